-- A partner's Shared Signals transmitter (its identity provider): the issuer its SETs carry, the audience they name, where its keys
-- are, and the hash of the push authorization Portcullis gave it (RFC 8935 push: the transmitter sends it verbatim).
create table partner_transmitter (
    partner_id         uuid          primary key references partner (id),
    issuer             varchar(512)  not null,
    audience           varchar(512)  not null,
    jwks_uri           varchar(1024) not null,
    push_token_sha256  varchar(64)   not null,
    updated_by         varchar(255)  not null,
    updated_at         timestamptz   not null
);

-- Every SET applied, by its jti: the same SET pushed again (a transmitter's retry, a replay) changes nothing.
create table ssf_received_set (
    partner_id  uuid          not null references partner (id),
    jti         varchar(255)  not null,
    received_at timestamptz   not null,
    events      varchar(1024) not null,
    primary key (partner_id, jti)
);

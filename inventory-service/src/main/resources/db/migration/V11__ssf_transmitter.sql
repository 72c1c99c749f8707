-- The CAEP transmitter for the organization's own applications: their streams (SSF 1.0 stream management), the guests a
-- stream no longer wants (default_subjects ALL: every guest, less those removed), and the SETs to deliver, in order per stream.
create table ssf_stream (
    id               uuid primary key,
    client_id        varchar(255)  not null, -- the receiver's OIDC client (azp) that made it: only it manages and polls it
    audience         varchar(1024) not null,
    events_requested text          not null, -- space-separated event-type URIs
    delivery_method  varchar(64)   not null, -- urn:ietf:rfc:8935 (push) or urn:ietf:rfc:8936 (poll)
    endpoint_url     varchar(2048),          -- push: the receiver's endpoint
    authorization_header varchar(4096),      -- push: sent verbatim as Authorization
    description      varchar(1024),
    status           varchar(16)   not null, -- enabled, paused, disabled
    status_reason    varchar(1024),
    created_at       timestamptz   not null,
    updated_at       timestamptz   not null,
    -- push delivery: the instance delivering the stream's SETs until when, and when a failed push is tried again
    claimed_by       varchar(64),
    claimed_until    timestamptz,
    next_attempt_at  timestamptz,
    attempts         int           not null default 0,
    last_error       varchar(1024)
);
create index ssf_stream_client on ssf_stream (client_id);

create table ssf_stream_excluded_subject (
    stream_id uuid not null references ssf_stream (id) on delete cascade,
    guest_id  uuid not null,
    primary key (stream_id, guest_id)
);

create table ssf_outgoing_set (
    seq          bigserial primary key,
    stream_id    uuid        not null references ssf_stream (id) on delete cascade,
    jti          varchar(64) not null unique,
    event_type   varchar(255) not null,
    claims       text        not null, -- signed when delivered: by the key in use then
    created_at   timestamptz not null,
    delivered_at timestamptz,          -- push: accepted (or refused for good); poll: acknowledged
    error        varchar(1024)         -- a push refused for good, or an error the poller returned
);
create index ssf_outgoing_set_pending on ssf_outgoing_set (stream_id, seq) where delivered_at is null;

-- Every change: who, when, what, why, with the request's correlation id or the event that caused it.
-- Chained once committed (AuditChain): chain_seq orders the chain, hash = SHA-256 over the previous
-- hash and the record. A guest's personal data sits in `personal`, encrypted with the guest's own key:
-- destroying the key erases it everywhere in the trail without touching a hashed byte.
create table audit_record (
    seq            bigserial primary key,
    recorded_at    timestamptz  not null,
    actor          varchar(255) not null,
    action         varchar(64)  not null,
    guest_id       uuid,
    resource_id    uuid,
    target_id      uuid,
    reason         varchar(1000),
    cause          varchar(1000),
    correlation_id varchar(128),
    details        text,
    personal       bytea,
    chain_seq      bigint unique,
    prev_hash      varchar(64),
    hash           varchar(64)
);
create index audit_record_guest on audit_record (guest_id, seq);
create index audit_record_resource on audit_record (resource_id, seq);
create index audit_record_unchained on audit_record (seq) where chain_seq is null;

-- One AES key per guest; deleted when the guest is removed (crypto-erasure).
create table guest_key (
    guest_id uuid primary key,
    key      bytea not null
);

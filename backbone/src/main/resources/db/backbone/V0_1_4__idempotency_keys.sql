-- The first result of each mutating request that carried an Idempotency-Key, per caller: a repeat gets it back and changes nothing.
create table idempotency_key (
    caller       varchar(255)  not null,
    key          varchar(255)  not null,
    method       varchar(8)    not null,
    path         varchar(2000) not null,
    request_hash varchar(64)   not null,
    state        varchar(16)   not null,
    status       integer,
    content_type varchar(255),
    location     varchar(2000),
    body         text,
    created_at   timestamptz   not null,
    primary key (caller, key)
);
create index idempotency_key_created on idempotency_key (created_at);

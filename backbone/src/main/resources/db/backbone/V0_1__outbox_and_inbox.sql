-- Shared by every service (flyway location db/backbone). Versions 0.x belong to the backbone;
-- a service's own migrations start at 1.

-- Events written in the same transaction as the change they describe; the relay publishes them
-- in id order and stamps published_at.
-- ids come from a sequence in blocks of 50, so a transaction's events are inserted in one JDBC batch
create sequence outbox_event_seq increment by 50;
create table outbox_event (
    id           bigint primary key,
    event_id     uuid         not null unique,
    topic        varchar(128) not null,
    record_key   varchar(256) not null,
    ce_type      varchar(128) not null,
    occurred_at  timestamptz  not null,
    payload      text         not null,
    published_at timestamptz
);
create index outbox_event_unpublished on outbox_event (id) where published_at is null;

-- The ids of the events this service has applied, written in the same transaction as the effect.
create table inbox_event (
    consumer   varchar(128) not null,
    event_id   varchar(128) not null,
    ce_type    varchar(128),
    applied_at timestamptz  not null default now(),
    primary key (consumer, event_id)
);

-- Per-key commit order. Ids are handed out in blocks per JVM and transactions commit in any order,
-- so id order is not commit order. Each transaction that writes events for a key first takes the
-- next number of that key here; the row lock it holds until commit makes the next writer of the key
-- wait, so key_seq order is the order in which the key's transactions committed.
create table outbox_key (
    record_key varchar(256) primary key,
    last_seq   bigint       not null
);
alter table outbox_event add column key_seq bigint not null default 0;

-- A row Kafka will never take (too large, topic refused) is parked with the reason, out of the way of the rest.
alter table outbox_event add column parked_at timestamptz;
alter table outbox_event add column last_error varchar(2000);

drop index outbox_event_unpublished;
create index outbox_event_pending on outbox_event (record_key, key_seq, id) where published_at is null and parked_at is null;
create index outbox_event_parked on outbox_event (id) where parked_at is not null and published_at is null;

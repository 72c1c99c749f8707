-- When the row was written, by the database's clock (occurred_at is the domain's, which tests move).
-- A relay that takes over reads Kafka from the oldest pending row's created_at to find the rows its
-- predecessor committed to Kafka but did not live to mark (OutboxRelay, AlreadyPublished).
alter table outbox_event add column created_at timestamptz not null default now();

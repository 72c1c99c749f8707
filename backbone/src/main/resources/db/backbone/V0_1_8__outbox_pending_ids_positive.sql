-- The relay reads its next rows through outbox_event_pending_by_id, which holds only ids > 0 (V0_1_7): a pending row with any other
-- id would never be published. Ids come from outbox_event_seq, which starts at 1 and only grows; this makes that a rule the
-- database keeps, so a row that breaks it is refused when written instead of left behind (and this migration fails, naming the
-- constraint, on a database that already holds such a row unpublished).
alter table outbox_event add constraint outbox_event_pending_id_positive check (id > 0 or published_at is not null or parked_at is not null);

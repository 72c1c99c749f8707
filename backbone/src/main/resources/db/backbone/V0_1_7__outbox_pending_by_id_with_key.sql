-- The relay's first pending rows by id carry their key, so that this index answers that part alone (index only) and is the cheaper
-- plan whatever the statistics say of the queue. Its "id > 0" (every id) is there so that only a query that says it can use it:
-- with statistics taken while the queue was empty, the planner read a key's pending rows by scanning this index and filtering
-- on the key (20 s a pass behind 100,000 pending rows) instead of through outbox_event_pending.
drop index outbox_event_pending_by_id;
create index outbox_event_pending_by_id on outbox_event (id) include (record_key) where published_at is null and parked_at is null and id > 0;

-- The relay finds the keys to publish next among the first pending rows by id, through this index: it used to group every
-- pending row by key at each pass, so a backlog (a batch of sign-ins, an import, a partner's block) made each pass slower
-- than the last (174 ms a pass behind 87,000 pending rows).
create index outbox_event_pending_by_id on outbox_event (id) where published_at is null and parked_at is null;

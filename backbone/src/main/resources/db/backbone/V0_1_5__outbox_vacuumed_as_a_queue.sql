-- The outbox is a queue: each row is written, then marked published moments later. Its partial index of pending rows
-- keeps an entry for every row that was pending until a vacuum removes it, and the relay's every poll walks them all.
-- After a partner's 10,000 guests were blocked, an empty queue took 21 ms and 4,800 heap fetches per poll, and up to
-- 1.2 s with the platform busy; 0.5 ms after a vacuum. By default autovacuum waits for a fifth of the table to change,
-- which for a queue that keeps its published rows for days is hundreds of thousands of rows: vacuum it every 2,000.
alter table outbox_event set (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 2000,
    autovacuum_vacuum_insert_scale_factor = 0, autovacuum_vacuum_insert_threshold = 2000, autovacuum_vacuum_cost_delay = 0);

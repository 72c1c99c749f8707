-- The state a block interrupted (INVITED or ACTIVE): unblocking returns the guest to it.
alter table guest add column blocked_from varchar(16);
alter table guest add column removed_at timestamptz;
alter table guest add column removed_reason varchar(255);

-- When the lifecycle job reported that nobody vouches for the guest (guest-sponsor-missing, once).
alter table guest add column sponsor_missing_reported_at timestamptz;

-- The latest sign-in (only ever moves forward) and when guest-signed-in last went out for it (aggregation).
alter table guest add column last_sign_in_at timestamptz;
alter table guest add column sign_in_published_at timestamptz;
-- inactiveDays counts from the latest sign-in, or from creation for a guest who never signed in.
create index guest_activity on guest ((coalesce(last_sign_in_at, created_at)), id);
-- The nearest expiry notice sent (14, then 1 day before), so each goes out once.
alter table access_grant add column expiry_notice_days integer;
create index access_grant_expiry on access_grant (expires_at) where state = 'ACTIVE' and expires_at is not null;
-- When an admin last lifted a block: the inactivity job counts from it too, or it would block the guest again at once.
alter table guest add column unblocked_at timestamptz;
create index guest_state on guest (state);

-- The sign-in publisher's next guests, found by when they are due rather than among every guest with an unpublished sign-in:
-- a guest who signed in again within the publish interval (1 h) waits in the old index until it passes, and each of the
-- publisher's passes (one a second when idle) read and filtered every such guest: 16,000 after a burst of sign-ins, 40-72 ms a
-- pass. Activations (due at once) lead; the rest are in the order their last event went out, so a pass reads only those due.
create index guest_sign_in_due on guest (sign_in_activation_pending desc, coalesce(sign_in_published_at, '-infinity'::timestamptz))
    where last_sign_in_at is distinct from sign_in_published_value and state <> 'REMOVED';
drop index guest_sign_in_unpublished;

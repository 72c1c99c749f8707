-- One message per recipient, cause and guest: one signal that blocks two guests tells each sponsor about both.
alter table notification drop constraint notification_recipient_cause_id_key;
create unique index notification_once on notification (recipient, cause_id, coalesce(guest_id, '00000000-0000-0000-0000-000000000000'::uuid));

-- Each message waits for its own next attempt (exponential back-off), so one bad address delays only itself.
alter table notification add column next_attempt_at timestamptz not null default now();
-- A sender claims the messages it sends (until claimed_until): two instances never send the same message at once,
-- and a killed instance's claims lapse, so another sends them.
alter table notification add column claimed_by    varchar(255);
alter table notification add column claimed_until timestamptz;

drop index notification_pending;
create index notification_due on notification (next_attempt_at) where status = 'PENDING';

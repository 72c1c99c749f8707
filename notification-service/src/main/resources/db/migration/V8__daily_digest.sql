-- A person may have what is not urgent (the types that are not mandatory) held for a daily digest instead of sent at once:
-- those messages wait as HELD until the digest time, then go in one DAILY_DIGEST message and become DIGESTED.
alter table recipient_preference add column delivery varchar(16) not null default 'IMMEDIATE';
create index notification_held on notification (recipient, next_attempt_at) where status = 'HELD';

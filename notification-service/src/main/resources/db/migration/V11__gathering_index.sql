-- The messages still gathering lines (a guest's revocations one by one, a partner's block), read per group of a type by the
-- prefix of their cause (Messages.gather): an index of those alone, so that a backlog of pending mails (an SMTP outage during
-- a partner's block) is not scanned once per group.
create index notification_gathering on notification (type, status, cause_id text_pattern_ops) where items is not null;
-- A partner's block lists a guest a line, with every grant the guest lost: longer than 512 characters for a guest of many.
alter table notification alter column items type text[];

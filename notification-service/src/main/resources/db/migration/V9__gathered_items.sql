-- A message about grants that end one by one waits a few seconds for the next of the same guest and reason: what it lists so far,
-- a line per grant (resource names and roles, no personal data), so the next event adds a line and the message is rendered again.
alter table notification add column items varchar(512)[];

-- A consumer that gathers lines finds each recipient's messages of a group (Messages.parts) by recipient and the prefix of their
-- cause, as a range in byte order, which a prepared statement's generic plan can use too (a LIKE pattern given as a parameter it
-- cannot): V12's index of gathering messages did not serve it, and each poll read every message its recipients ever had.
drop index notification_gathering;
create index notification_by_group on notification (recipient, (cause_id collate "C")) where webhook_id is null;

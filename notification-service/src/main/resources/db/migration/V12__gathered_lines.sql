-- A message that gathers lines (a partner's block: a guest a line, for each sponsor and owner; a guest's grants that end one by
-- one) no longer holds them in an array it rewrites, with its whole text and HTML, at each poll that adds one, under a lock that
-- made two consumer instances take turns: each line is a row of its own, appended by whichever instance consumed its event, and
-- the message is rendered from them once, when a sender claims it (Messages.gather, Messages.finish).
create table notification_line (
    recipient  varchar(255) not null,
    cause_id   varchar(255) not null,
    -- a line once per message, whichever consumer brings it again
    line_md5   uuid         not null,
    line       text         not null,
    seq        bigint       generated always as identity,
    primary key (recipient, cause_id, line_md5)
);
-- What a gathering message is rendered with, as JSON: its words, and the name its lines go under ({"lines": ..., "data": {...}});
-- null once rendered for good, and on every other message.
alter table notification add column gathered text;
-- Messages still gathering in the old way go as they were last rendered.
drop index notification_gathering;
alter table notification drop column items;
create index notification_gathering on notification (type, recipient, cause_id text_pattern_ops) where gathered is not null;

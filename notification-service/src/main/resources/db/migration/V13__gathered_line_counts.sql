-- How many lines each gathering message has, kept as its lines are written: a consumer checked a message's 500-line limit by
-- counting its lines at every poll, 20 ms a poll of a partner's block (up to 500 lines of each of hundreds of messages).
create table notification_line_count (
    recipient varchar(255) not null,
    cause_id  varchar(255) not null,
    lines     int          not null,
    primary key (recipient, cause_id)
);
insert into notification_line_count (recipient, cause_id, lines) select recipient, cause_id, count(*) from notification_line group by 1, 2;

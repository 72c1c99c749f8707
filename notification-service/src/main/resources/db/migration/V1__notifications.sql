-- The message log. One row per recipient per cause: the unique key is what makes "never twice" hold.
create table notification (
    id             uuid primary key,
    recipient      varchar(255)  not null,
    type           varchar(64)   not null,
    subject        varchar(500)  not null,
    body           text          not null,
    cause_id       varchar(255)  not null,
    cause_event_id varchar(255)  not null,
    guest_id       uuid,
    status         varchar(16)   not null,
    attempts       int           not null,
    last_error     varchar(2000),
    created_at     timestamptz   not null,
    sent_at        timestamptz,
    unique (recipient, cause_id)
);
create index notification_pending on notification (created_at) where status = 'PENDING';

-- Webhook endpoints: the same messages, posted as JSON (signed per Standard Webhooks) for chat tools.
create table webhook (
    id         uuid primary key,
    url        varchar(2000) not null,
    secret     varchar(200)  not null,
    types      varchar(64)[] not null,
    created_by varchar(255)  not null,
    created_at timestamptz   not null,
    deleted_at timestamptz
);

-- A post to a webhook is a message of its own (claimed, retried and logged like a mail): the email's copy for that endpoint.
alter table notification add column webhook_id uuid references webhook (id);
drop index notification_once;
create unique index notification_once on notification (recipient, cause_id, coalesce(guest_id, '00000000-0000-0000-0000-000000000000'::uuid),
    coalesce(webhook_id, '00000000-0000-0000-0000-000000000000'::uuid));

-- What each person chose not to receive. Only messages that are not mandatory can be opted out of
-- (review assignments, approvals and security messages always go); the message is still logged, SUPPRESSED.
create table recipient_preference (
    recipient  varchar(255) primary key,
    opt_outs   varchar(64)[] not null default '{}',
    updated_by varchar(255) not null,
    updated_at timestamptz   not null
);

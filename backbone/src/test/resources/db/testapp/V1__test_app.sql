-- backbone's test application: a note written by a REST call (the idempotency tests), and each event its consumer applied
create table test_note (
    id uuid primary key,
    text varchar(255) not null,
    created_at timestamp with time zone not null
);

create table test_applied_event (
    ce_id varchar(255) primary key,
    record_key varchar(255) not null
);

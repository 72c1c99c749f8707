-- backbone's test application: a note written by a REST call (the idempotency tests), and each event its consumer applied
create table test_note (
    id uuid primary key,
    text varchar(255) not null,
    created_at timestamp with time zone not null
);

-- no key on ce_id: an event applied twice shows as two rows, so a test can see the inbox fail
create table test_applied_event (
    id bigserial primary key,
    ce_id varchar(255) not null,
    record_key varchar(255) not null
);

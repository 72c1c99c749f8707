-- what the test application's consumer gathered over each transaction and wrote before its commit: the events of a key it applied
create table test_applied_batch (
    id bigserial primary key,
    record_key varchar(255) not null,
    events int not null
);

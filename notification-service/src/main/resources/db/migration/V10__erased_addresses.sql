-- A removed guest's address, as its SHA-256 and only for a while (30 days, Retention): an event about them published before the
-- removal, arriving after it on another topic, would otherwise plan a message that names them again (a suppression list, not a record).
create table erased_address (
    address_sha256 bytea primary key,
    placeholder varchar(320) not null,
    erased_at timestamptz not null
);
create index erased_address_erased_at on erased_address (erased_at);

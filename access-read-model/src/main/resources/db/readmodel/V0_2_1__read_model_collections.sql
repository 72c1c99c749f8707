-- Owners and sponsors as rows, not a joined string: an address with a comma, or 40 owners, no longer breaks them.
create table rm_resource_owner (
    resource_id uuid         not null references rm_resource (resource_id),
    email       varchar(254) not null,
    primary key (resource_id, email)
);
insert into rm_resource_owner (resource_id, email)
    select resource_id, trim(o) from rm_resource, unnest(string_to_array(owners, ',')) o where trim(o) <> '';
alter table rm_resource drop column owners;

create table rm_guest_sponsor (
    guest_id uuid         not null references rm_guest (guest_id),
    email    varchar(254) not null,
    primary key (guest_id, email)
);
insert into rm_guest_sponsor (guest_id, email)
    select guest_id, trim(s) from rm_guest, unnest(string_to_array(sponsors, ',')) s where trim(s) <> '';
alter table rm_guest drop column sponsors;

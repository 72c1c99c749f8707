-- Access packages: what partners request (resources with a role each) and the policy of a request.
-- Every change is a new version; each version stays readable (access_package_version).
create table access_package (
    id           uuid primary key,
    name         varchar(200)   not null,
    scenario_id  uuid           not null,
    owners       varchar(255)[] not null,
    spec         jsonb          not null,
    version      int            not null,
    created_by   varchar(255)   not null,
    created_at   timestamptz    not null,
    updated_by   varchar(255)   not null,
    updated_at   timestamptz    not null
);
create index access_package_owners on access_package using gin (owners);

create table access_package_version (
    package_id  uuid         not null references access_package (id),
    version     int          not null,
    spec        jsonb        not null,
    changed_by  varchar(255) not null,
    changed_at  timestamptz  not null,
    primary key (package_id, version)
);

-- A service's own copy of what inventory-service owns, built from its events (versions 0.2.x).
create table rm_guest (
    guest_id   uuid primary key,
    email      varchar(255) not null,
    partner_id uuid,
    state      varchar(32)  not null,
    sponsors   varchar(2000) not null,
    updated_at timestamptz  not null
);
create table rm_resource (
    resource_id uuid primary key,
    name        varchar(255) not null,
    sensitivity varchar(32)  not null,
    scenario_id varchar(255),
    owners      varchar(2000) not null,
    updated_at  timestamptz  not null
);
create table rm_grant (
    grant_id       uuid primary key,
    guest_id       uuid         not null,
    resource_id    uuid         not null,
    role           varchar(255) not null,
    state          varchar(32)  not null,
    expires_at     timestamptz,
    revoked_reason varchar(64),
    updated_at     timestamptz  not null
);
create index rm_grant_guest on rm_grant (guest_id, state);

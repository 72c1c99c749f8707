create table partner (
    id         uuid primary key,
    name       varchar(255) not null,
    tenant_id  varchar(255) not null unique,
    state      varchar(32)  not null,
    created_at timestamptz  not null
);
create table partner_domain (
    partner_id uuid not null references partner (id),
    domain     varchar(255) not null,
    primary key (partner_id, domain)
);
create unique index partner_domain_unique on partner_domain (lower(domain));

create table resource (
    id          uuid primary key,
    name        varchar(255) not null,
    type        varchar(32)  not null,
    sensitivity varchar(32)  not null,
    scenario_id varchar(255),
    created_at  timestamptz  not null
);
create table resource_owner (
    resource_id uuid not null references resource (id),
    email       varchar(255) not null,
    primary key (resource_id, email)
);

create table guest (
    id             uuid primary key,
    email          varchar(255) not null,
    display_name   varchar(255),
    home_tenant_id varchar(255) not null,
    home_subject   varchar(255),
    partner_id     uuid         not null references partner (id),
    state          varchar(32)  not null,
    invited_by     varchar(255) not null,
    created_at     timestamptz  not null,
    blocked_at     timestamptz,
    blocked_reason varchar(64)
);
create unique index guest_email_unique on guest (lower(email));
create index guest_home_identity on guest (home_tenant_id, home_subject);
create table guest_sponsor (
    guest_id uuid not null references guest (id),
    email    varchar(255) not null,
    primary key (guest_id, email)
);

create table access_grant (
    id              uuid primary key,
    guest_id        uuid         not null references guest (id),
    resource_id     uuid         not null references resource (id),
    role            varchar(255) not null,
    state           varchar(32)  not null,
    justification   varchar(1000),
    granted_at      timestamptz  not null,
    granted_by      varchar(255) not null,
    expires_at      timestamptz,
    revoked_at      timestamptz,
    revoked_reason  varchar(64),
    revoked_by      varchar(255),
    revocation_cause varchar(255)
);
create index access_grant_guest_state on access_grant (guest_id, state);
create index access_grant_resource on access_grant (resource_id);

create table partner_signal (
    id              uuid primary key,
    type            varchar(64)  not null,
    home_tenant_id  varchar(255) not null,
    home_subject    varchar(255),
    email           varchar(255),
    occurred_at     timestamptz  not null,
    received_at     timestamptz  not null,
    received_by     varchar(255) not null,
    channel         varchar(16)  not null,
    dedupe_key      varchar(1200) not null unique,
    outcome         varchar(32)  not null
);
create table partner_signal_guest (
    signal_id uuid not null references partner_signal (id),
    guest_id  uuid not null,
    primary key (signal_id, guest_id)
);
create table partner_signal_grant (
    signal_id uuid not null references partner_signal (id),
    grant_id  uuid not null,
    primary key (signal_id, grant_id)
);

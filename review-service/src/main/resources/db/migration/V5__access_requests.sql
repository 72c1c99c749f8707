-- Access requests: a partner's person asks for an access package; approvers decide stage by stage;
-- an approved request is delivered by inventory-service.
create table access_request (
    id              uuid primary key,
    package_id      uuid           not null references access_package (id),
    package_version int            not null,
    package_name    varchar(200)   not null,
    requester_email varchar(254)   not null,
    requester       jsonb          not null,
    guest_id        uuid,
    partner_id      uuid,
    submitted_by    varchar(255)   not null,
    justification   varchar(2000),
    answers         jsonb          not null,
    sponsors        varchar(254)[] not null,
    state           varchar(32)    not null,
    stage           int            not null,
    stages          int            not null,
    stage_ends_at   timestamptz,
    escalated       boolean        not null default false,
    -- who decides the current stage, and everyone ever asked (they may read the request)
    approvers       varchar(254)[] not null,
    asked           varchar(254)[] not null,
    expires_at      timestamptz,
    reason          varchar(2000),
    submitted_at    timestamptz    not null,
    decided_at      timestamptz,
    delivered_at    timestamptz
);
create index access_request_due on access_request (stage_ends_at) where state = 'PENDING_APPROVAL';
create index access_request_requester on access_request (requester_email);
create index access_request_approvers on access_request using gin (approvers);
create index access_request_asked on access_request using gin (asked);
create index access_request_package on access_request (package_id, requester_email);

-- One decision per stage: the first of its approvers to decide.
create table access_request_decision (
    request_id    uuid          not null references access_request (id),
    stage         int           not null,
    decision      varchar(16)   not null,
    decided_by    varchar(255)  not null,
    justification varchar(2000),
    decided_at    timestamptz   not null,
    primary key (request_id, stage)
);

-- The grants inventory made for an approved request (access-granted naming it): all of the package's, and it is DELIVERED.
create table access_request_delivery (
    request_id  uuid not null references access_request (id),
    resource_id uuid not null,
    grant_id    uuid not null,
    primary key (request_id, resource_id)
);

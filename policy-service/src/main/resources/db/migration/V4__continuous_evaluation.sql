-- Continuous evaluation. What must be re-evaluated: a guest (their grants changed, or their details),
-- a resource, or a policy. Rows are written in the transaction of the change that makes them necessary
-- (the read model's inbox, a policy's save), taken by whichever instance evaluates next, and deleted in
-- the transaction that writes the outcome: a crash in between leaves them for the next pass.
create table evaluation_task (
    id         bigserial primary key,
    kind       varchar(16) not null,
    target     uuid        not null,
    created_at timestamptz not null default now()
);

-- One row per policy and grant that violates it; at most one OPEN at a time (never duplicated).
create table violation (
    id             uuid primary key,
    policy_id      uuid          not null,
    policy_version int           not null,
    policy_name    varchar(255)  not null,
    rule           varchar(32)   not null,
    mode           varchar(16)   not null,
    guest_id       uuid          not null,
    grant_id       uuid          not null,
    resource_id    uuid          not null,
    message        varchar(2000) not null,
    state          varchar(16)   not null,
    -- REVOCATION_REQUESTED, HELD (awaiting an admin), DECLINED (an admin declined the hold), REPORTED (report-only)
    enforcement    varchar(32)   not null,
    hold_id        uuid,
    detected_at    timestamptz   not null,
    resolved_at    timestamptz,
    resolution     varchar(32)
);
create unique index violation_open_once on violation (policy_id, grant_id) where state = 'OPEN';
create index violation_guest on violation (guest_id, id);
create index violation_resource_open on violation (resource_id) where state = 'OPEN';
create index violation_hold on violation (hold_id) where hold_id is not null;

-- An enforced policy's change that would revoke too much at once: nothing is revoked until an admin decides.
create table enforcement_hold (
    id               uuid primary key,
    policy_id        uuid         not null,
    policy_version   int          not null,
    policy_name      varchar(255) not null,
    -- PENDING, CONFIRMED, DECLINED, SUPERSEDED (the policy changed again before anyone decided)
    state            varchar(16)  not null,
    grants_in_scope  bigint       not null,
    revocations_held bigint       not null,
    created_at       timestamptz  not null,
    decided_at       timestamptz,
    decided_by       varchar(255)
);
create index enforcement_hold_policy on enforcement_hold (policy_id, state);

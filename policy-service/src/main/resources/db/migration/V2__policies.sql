-- A policy is its versions: every change (create, update, delete) writes a new one and keeps the old.
-- policy holds the current version number, and its row lock serializes the changes of one policy.
create table policy (
    id              uuid primary key,
    current_version int         not null,
    deleted         boolean     not null default false,
    -- bumped on every change of any policy: each instance reloads its policies when it moves
    change_seq      bigint      not null
);
create sequence policy_change_seq;

create table policy_version (
    policy_id  uuid         not null references policy (id),
    version    int          not null,
    name       varchar(255) not null,
    mode       varchar(16)  not null,
    -- JSON: {scenarioIds, partnerIds, minSensitivity}, and the rule with its type
    scope      text         not null,
    rule       text         not null,
    deleted    boolean      not null default false,
    created_at timestamptz  not null,
    created_by varchar(255) not null,
    primary key (policy_id, version)
);

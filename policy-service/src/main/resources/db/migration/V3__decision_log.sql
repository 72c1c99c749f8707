-- Every decision of the AuthZEN endpoints, written asynchronously in batches (DecisionLog): who asked,
-- about whom and what, the answer, and the policy versions behind it. Ids are time-ordered, so the
-- keyset pages of GET /api/v1/decisions come in the order the decisions were made.
create table decision_log (
    id            uuid primary key,
    decided_at    timestamptz   not null,
    caller        varchar(255),
    subject_type  varchar(255)  not null,
    subject_id    varchar(1024) not null,
    action        varchar(255)  not null,
    resource_type varchar(255)  not null,
    resource_id   varchar(1024) not null,
    decision      boolean       not null,
    -- JSON: the reasons of a denial, and every policy version that took part
    reasons       text          not null,
    policies      text          not null
);
create index decision_log_subject on decision_log (subject_id, id);
create index decision_log_resource on decision_log (resource_id, id);

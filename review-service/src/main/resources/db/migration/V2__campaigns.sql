-- Review definitions and their campaigns. A campaign keeps the definition as it was when it started
-- (reviewers are resolved then and stay fixed); its items are the grants it covers.
create table review_definition (
    id             uuid primary key,
    name           varchar(200) not null,
    spec           jsonb        not null,
    recurrence     varchar(32)  not null,
    -- when the scheduler starts the next campaign of a recurring definition; null: not recurring or not started yet
    next_start_at  timestamptz,
    created_by     varchar(255) not null,
    created_at     timestamptz  not null
);
create index review_definition_due on review_definition (next_start_at) where next_start_at is not null;

create table campaign (
    id                uuid primary key,
    definition_id     uuid         not null references review_definition (id),
    name              varchar(200) not null,
    spec              jsonb        not null,
    state             varchar(32)  not null,
    started_by        varchar(255) not null,
    started_at        timestamptz  not null,
    ends_at           timestamptz  not null,
    completed_at      timestamptz,
    applied_at        timestamptz,
    cancelled_at      timestamptz,
    apply_held        boolean      not null default false,
    apply_held_reason varchar(500),
    -- the reminder days (before the end) already sent
    reminders_sent    int[]        not null default '{}'
);
create index campaign_open on campaign (ends_at) where state = 'IN_PROGRESS';

alter table review_item add column campaign_id uuid references campaign (id);
alter table review_item add column reviewers varchar(255)[] not null default '{}';
update review_item set reviewers = array[lower(reviewer)];
alter table review_item drop column reviewer; -- and its index
alter table review_item add column recommendation varchar(16);
alter table review_item add column recommendation_reason varchar(200);
alter table review_item add column decision varchar(16);
alter table review_item add column justification varchar(2000);
alter table review_item add column decided_by varchar(255);
alter table review_item add column decided_at timestamptz;
-- APPROVE, DENY or NONE once the campaign completed (a decision, or the default for an undecided item)
alter table review_item add column outcome varchar(16);
alter table review_item add column revocation_requested_at timestamptz;
alter table review_item add column revoked_at timestamptz;
create index review_item_reviewers on review_item using gin (reviewers) where state = 'OPEN';
create index review_item_campaign on review_item (campaign_id, id);
create index review_item_grant_requested on review_item (grant_id) where revocation_requested_at is not null and revoked_at is null;

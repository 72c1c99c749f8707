-- Multi-stage reviews. A campaign runs its stages one after the other (stage, stage_ends_at); an item
-- is one grant through every stage it reaches (stage), and each stage's decision on it is kept when the
-- stage ends (review_stage_decision): for the audit, and for later stages' reviewers where the
-- definition shows them earlier decisions.
alter table campaign add column stage int not null default 1;
alter table campaign add column stage_ends_at timestamptz;
update campaign set stage_ends_at = ends_at;
alter table campaign alter column stage_ends_at set not null;
drop index campaign_open;
create index campaign_open on campaign (stage_ends_at) where state = 'IN_PROGRESS';

alter table review_item add column stage int not null default 1;

create table review_stage_decision (
    item_id       uuid          not null references review_item (id),
    stage         int           not null,
    reviewers     varchar(255)[] not null,
    decision      varchar(16),
    justification varchar(2000),
    decided_by    varchar(255),
    decided_at    timestamptz,
    primary key (item_id, stage)
);

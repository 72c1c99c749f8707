-- The review items store; campaigns and definitions come with their capability.
create table review_item (
    id            uuid primary key,
    grant_id      uuid         not null,
    guest_id      uuid         not null,
    resource_id   uuid         not null,
    reviewer      varchar(255) not null,
    state         varchar(32)  not null,
    opened_at     timestamptz  not null,
    closed_at     timestamptz,
    closed_reason varchar(64),
    closed_cause  varchar(255)
);
create index review_item_grant_open on review_item (grant_id) where state = 'OPEN';
create index review_item_reviewer on review_item (lower(reviewer), state);

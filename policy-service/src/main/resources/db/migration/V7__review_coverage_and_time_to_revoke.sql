-- review-service's decisions, grant by grant: the posture's review coverage. The last decision on each grant; a grant no
-- campaign decided has no row.
create table grant_review (
    grant_id        uuid primary key,
    last_decided_at timestamptz not null,
    last_decision   varchar(16) not null,
    campaign_id     uuid        not null
);
create index grant_review_decided on grant_review (last_decided_at);

-- Time to revoke: for each partner signal that ended access here (its id, the revocations' cause) and each guest it cut off,
-- when inventory acted on it (the first revocation, in the signal's own transaction) and when this service read the guest's last
-- access-revoked of it. One row a guest, not a signal: a guest's events are read by one instance, so two instances never wait on
-- one row, even for a partner-wide signal. Kept 30 days.
create table signal_revocation (
    cause_id     varchar(255) not null,
    guest_id     uuid         not null,
    acted_at     timestamptz  not null,
    last_seen_at timestamptz  not null,
    primary key (cause_id, guest_id)
);
create index signal_revocation_acted on signal_revocation (acted_at);

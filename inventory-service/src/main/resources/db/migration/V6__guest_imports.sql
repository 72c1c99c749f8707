-- A CSV import of guests, run as a job: its lines are kept so any instance can go on where another stopped.
create table guest_import (
    id          uuid primary key,
    state       varchar(16)  not null,
    total_lines integer      not null,
    next_line   integer      not null,
    imported    integer      not null,
    rejected    integer      not null,
    created_by  varchar(255) not null,
    created_at  timestamptz  not null,
    finished_at timestamptz
);
create index guest_import_running on guest_import (created_at) where state = 'RUNNING';
create table guest_import_source (
    import_id uuid    not null references guest_import (id),
    line      integer not null,
    text      text    not null,
    primary key (import_id, line)
);
create table guest_import_line (
    import_id uuid        not null references guest_import (id),
    line      integer     not null,
    outcome   varchar(16) not null,
    guest_id  uuid,
    errors    text,
    primary key (import_id, line)
);

-- guest-signed-in goes out from a publisher, not from the ingesting request: what it last published, and
-- whether an activation waits to be told (at once, whatever the interval).
alter table guest add column sign_in_published_value timestamptz;
alter table guest add column sign_in_activation_pending boolean not null default false;
create index guest_sign_in_unpublished on guest (id) where last_sign_in_at is distinct from sign_in_published_value;

-- audit records take their numbers 50 at a time (AuditRecord): inserts go in JDBC batches
alter sequence audit_record_seq_seq increment by 50;

-- Who last changed a partner's state, and when: its guests follow in batches, in that admin's name.
alter table partner add column state_changed_by varchar(255);
alter table partner add column state_changed_at timestamptz;
create index guest_partner on guest (partner_id, id);

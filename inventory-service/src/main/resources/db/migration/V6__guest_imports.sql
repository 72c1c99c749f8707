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

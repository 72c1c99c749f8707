create table scenario (
    id            uuid primary key,
    name          varchar(255) not null unique,
    control_model varchar(32)  not null,
    description   varchar(2000),
    created_at    timestamptz  not null,
    created_by    varchar(255) not null
);

-- The decision point's own directory (a policy information point): attributes of the subjects and resources that are not
-- Portcullis's guests and resources, such as an application's users with their roles and its records with their owners,
-- which a PEP names by an id and a policy decides on. An admin (or a loader) writes them; a decision merges them under what
-- the request says, and the AuthZEN searches take their candidates from them.
create table directory_entry (
    entity_type varchar(255)  not null,
    entity_id   varchar(1024) not null,
    properties  jsonb         not null,
    updated_at  timestamptz   not null,
    updated_by  varchar(255)  not null,
    primary key (entity_type, entity_id)
);

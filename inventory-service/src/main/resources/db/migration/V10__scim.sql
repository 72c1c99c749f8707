-- SCIM: the provisioning client's own id for a guest (externalId: case-exact, one guest each, released on removal),
-- and when a guest last changed (meta.lastModified).
alter table guest add column external_id varchar(255);
alter table guest add column modified_at timestamptz;
update guest set modified_at = greatest(created_at, coalesce(removed_at, created_at), coalesce(blocked_at, created_at), coalesce(unblocked_at, created_at));
alter table guest alter column modified_at set not null;
create unique index guest_external_id_unique on guest (external_id) where external_id is not null;

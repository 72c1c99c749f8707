-- An import whose chunk keeps failing for a reason that does not pass ends FAILED with the error, so the imports after it go on.
alter table guest_import add column failures integer not null default 0;
alter table guest_import add column error text;

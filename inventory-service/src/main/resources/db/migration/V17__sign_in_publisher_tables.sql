-- The sign-in publisher's state leaves the guest row. The ingest and the publisher both updated the same guest rows (the ingest
-- the latest sign-in, the publisher what it had published), so each waited for the other's locks: 540 ms a batch of 10,000 for
-- the ingest in the inventory benchmark with the whole platform running. Now the ingest appends what is to be told, with when it
-- is due, and the publisher keeps what it told in a table of its own: neither writes a row the other writes. (The foreign keys'
-- checks take a key-share lock on the guest, which the ingest's own lock, for no key update, lets through.)

-- A guest's sign-in still to tell: appended by the ingest (and by an import of a guest who signed in before), deleted by the
-- publisher once told. Due at once for an activation, else one publish interval after the guest's last guest-signed-in.
create table sign_in_pending (
    id           uuid        primary key default gen_random_uuid(),
    guest_id     uuid        not null references guest (id) on delete cascade,
    signed_in_at timestamptz not null,
    activation   boolean     not null,
    due_at       timestamptz not null
);
create index sign_in_pending_due on sign_in_pending (due_at);
create index sign_in_pending_guest on sign_in_pending (guest_id);

-- What the publisher last told of each guest, and when.
create table sign_in_published (
    guest_id     uuid        primary key references guest (id) on delete cascade,
    signed_in_at timestamptz,
    published_at timestamptz not null
);

insert into sign_in_published (guest_id, signed_in_at, published_at)
    select id, sign_in_published_value, sign_in_published_at from guest where sign_in_published_at is not null;
-- what was still to tell is due now: at most one event sooner than the interval would have sent it
insert into sign_in_pending (guest_id, signed_in_at, activation, due_at)
    select id, last_sign_in_at, sign_in_activation_pending, now() from guest
    where last_sign_in_at is distinct from sign_in_published_value and last_sign_in_at is not null and state <> 'REMOVED';

drop index guest_sign_in_due;
alter table guest drop column sign_in_published_value;
alter table guest drop column sign_in_published_at;
alter table guest drop column sign_in_activation_pending;

-- The events a receiver asked its stream for, a row each (in the order asked), instead of a space-joined string matched with
-- like '%…%': "which streams want session-revoked" is then an indexed lookup that no URI containing another can fool.
create table ssf_stream_event (
    stream_id  uuid          not null references ssf_stream (id) on delete cascade,
    position   int           not null,
    event_type varchar(255)  not null,
    primary key (stream_id, position),
    unique (stream_id, event_type)
);
create index ssf_stream_event_type on ssf_stream_event (event_type, stream_id);
insert into ssf_stream_event (stream_id, position, event_type)
select s.id, e.position - 1, e.event_type
from ssf_stream s, unnest(string_to_array(s.events_requested, ' ')) with ordinality as e (event_type, position)
where e.event_type <> ''
on conflict do nothing;
alter table ssf_stream drop column events_requested;

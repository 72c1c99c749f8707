-- The trace of the event that planned the message (null when tracing is off): the send continues it.
alter table notification add column traceparent varchar(55);

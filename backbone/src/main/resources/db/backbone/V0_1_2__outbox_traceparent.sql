-- The W3C traceparent of the span that wrote the event (null when tracing is off): the relay
-- continues that trace, and sends it as the CloudEvents distributed-tracing extension (ce_traceparent).
alter table outbox_event add column traceparent varchar(55);

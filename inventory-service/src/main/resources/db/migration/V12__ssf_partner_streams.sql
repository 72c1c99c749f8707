-- The stream Portcullis keeps at a partner's transmitter (SSF stream management): how to reach its management API (a
-- client-credentials client of the partner's IdP), the stream's id and delivery, the verification asked for and seen, and, for
-- poll delivery, where to poll and which instance polls it until when (one poller per stream at a time).
alter table partner_transmitter alter column audience drop not null;
alter table partner_transmitter add column token_endpoint varchar(1024);
alter table partner_transmitter add column client_id varchar(255);
alter table partner_transmitter add column client_secret varchar(1024);
alter table partner_transmitter add column scope varchar(255);
alter table partner_transmitter add column configuration_endpoint varchar(1024);
alter table partner_transmitter add column status_endpoint varchar(1024);
alter table partner_transmitter add column verification_endpoint varchar(1024);
alter table partner_transmitter add column stream_id varchar(255);
alter table partner_transmitter add column delivery varchar(8);
alter table partner_transmitter add column poll_endpoint varchar(1024);
alter table partner_transmitter add column verification_state varchar(64);
alter table partner_transmitter add column verified_at timestamptz;
alter table partner_transmitter add column last_polled_at timestamptz;
alter table partner_transmitter add column last_error varchar(1024);
alter table partner_transmitter add column claimed_by varchar(64);
alter table partner_transmitter add column claimed_until timestamptz;

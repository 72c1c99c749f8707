-- How a partner's offboarding reaches us, for the posture (policy-service, through partner-upserted): its last signal (any
-- channel; recorded at most once a day) and since when its guests are provisioned over SCIM. Its SSF stream's verification is
-- partner_transmitter.verified_at.
alter table partner add column last_signal_at timestamptz;
alter table partner add column scim_provisioned_at timestamptz;

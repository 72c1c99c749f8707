-- How a partner's offboarding reaches Portcullis (partner-upserted's signalChannels): the posture's connected partners.
alter table rm_partner add column ssf_verified_at timestamptz;
alter table rm_partner add column last_signal_at timestamptz;
alter table rm_partner add column scim_provisioned_at timestamptz;

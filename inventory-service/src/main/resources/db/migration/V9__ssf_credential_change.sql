-- Per partner: whether a CAEP credential-change that revokes a credential counts as a compromised credential (block the guest,
-- revoke what is CONFIDENTIAL or above), or is only recorded.
alter table partner_transmitter add column credential_revoke_is_compromise boolean not null default false;

-- When the guest was invited and last signed in (from guest-signed-in): reviews recommend on inactivity from these.
alter table rm_guest add column invited_at timestamptz;
alter table rm_guest add column last_sign_in_at timestamptz;

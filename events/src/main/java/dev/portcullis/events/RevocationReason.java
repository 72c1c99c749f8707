package dev.portcullis.events;

/** Why a grant ended; carried on {@code access-revoked} and kept on the grant. */
public enum RevocationReason {
    PARTNER_ACCOUNT_DISABLED, PARTNER_CREDENTIAL_COMPROMISED, PARTNER_BLOCKED, REVIEW_DENIED, POLICY_VIOLATION, EXPIRED, MANUAL, GUEST_REMOVED
}

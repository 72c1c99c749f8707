package dev.portcullis.inventory.domain;

import dev.portcullis.events.RevocationReason;

/**
 * Why a guest was blocked, unblocked or removed: kept on the guest ({@code blockedReason}, {@code removedReason}), told on
 * {@code guest-blocked}, {@code guest-unblocked} and {@code guest-removed} by its name, and known to CAEP as who initiated it.
 */
public enum GuestChangeReason {

    /** An admin, through the API: never lifted by a signal or a job. */
    ADMIN(Initiator.ADMIN, RevocationReason.MANUAL),
    /** The organization's provisioning (SCIM): an admin's act by other means, lifted only by SCIM. */
    SCIM(Initiator.ADMIN, RevocationReason.MANUAL),
    /** The partner disabled the account at home. */
    PARTNER_ACCOUNT_DISABLED(Initiator.POLICY, RevocationReason.PARTNER_ACCOUNT_DISABLED),
    /** The partner says the account's credentials are compromised. */
    PARTNER_CREDENTIAL_COMPROMISED(Initiator.POLICY, RevocationReason.PARTNER_CREDENTIAL_COMPROMISED),
    /** The partner enabled the account again: lifts only the partner's own blocks. */
    PARTNER_ACCOUNT_ENABLED(Initiator.POLICY, null),
    /** The partner deleted the account at home. */
    PARTNER_ACCOUNT_PURGED(Initiator.POLICY, null),
    /** The whole partner was blocked here (its kill switch). */
    PARTNER_BLOCKED(Initiator.POLICY, RevocationReason.PARTNER_BLOCKED),
    /** The partner's block was lifted: lifts only the blocks it put on. */
    PARTNER_UNBLOCKED(Initiator.POLICY, null),
    /** No sign-in for the configured period: blocked, grants kept for an unblock. */
    INACTIVE(Initiator.POLICY, null),
    /** An invitation never redeemed in time. */
    INVITATION_EXPIRED(Initiator.POLICY, null),
    /** Blocked for longer than the retention period. */
    RETENTION(Initiator.POLICY, null);

    /** CAEP's {@code initiating_entity}: an admin's own act, else the platform's rules. */
    private enum Initiator { ADMIN, POLICY }

    private final Initiator initiator;
    private final RevocationReason revokes;

    GuestChangeReason(Initiator initiator, RevocationReason revokes) {
        this.initiator = initiator;
        this.revokes = revokes;
    }

    /** CAEP's {@code initiating_entity} for a session ended for this reason: {@code admin} or {@code policy}. */
    public String initiatingEntity() {
        return initiator.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The reason the grants a block for this reason revokes carry; null where it blocks without revoking, or only removes (a removal revokes as GUEST_REMOVED). */
    public RevocationReason revokes() {
        return revokes;
    }

    /** Whether a partner's ACCOUNT_ENABLED may lift a block for this reason: only the blocks partner signals put on. */
    public boolean liftedByPartnerSignals() {
        return this == PARTNER_ACCOUNT_DISABLED || this == PARTNER_CREDENTIAL_COMPROMISED;
    }
}

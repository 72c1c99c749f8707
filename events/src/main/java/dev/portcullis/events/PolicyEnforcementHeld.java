package dev.portcullis.events;

import java.time.Instant;

/**
 * An enforced policy's change would revoke more of the grants in its scope than the configured share
 * at once, so nothing is revoked until an admin confirms the hold (or declines it) over REST. Keyed by
 * the policy id: it concerns many guests.
 */
public record PolicyEnforcementHeld(
        String holdId,
        String policyId,
        int policyVersion,
        String policyName,
        long grantsInScope,
        long revocationsHeld,
        Instant heldAt) implements EventPayload {

    @Override
    public EventType eventType() {
        return EventType.POLICY_ENFORCEMENT_HELD;
    }

    @Override
    public String key() {
        return policyId;
    }
}

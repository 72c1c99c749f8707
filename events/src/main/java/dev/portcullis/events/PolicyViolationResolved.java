package dev.portcullis.events;

import java.time.Instant;

/**
 * A violation ended: the grant was revoked ({@code GRANT_REVOKED}), the facts changed so that it no
 * longer violates ({@code NO_LONGER_VIOLATES}), or the policy was disabled, deleted or scoped away
 * ({@code POLICY_WITHDRAWN}).
 */
public record PolicyViolationResolved(
        String violationId,
        String policyId,
        int policyVersion,
        String guestId,
        String grantId,
        String resolution,
        Instant resolvedAt) implements EventPayload {

    @Override
    public EventType eventType() {
        return EventType.POLICY_VIOLATION_RESOLVED;
    }

    @Override
    public String key() {
        return guestId;
    }
}

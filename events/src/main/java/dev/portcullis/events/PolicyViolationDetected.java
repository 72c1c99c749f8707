package dev.portcullis.events;

import java.time.Instant;
import java.util.List;

/**
 * A grant that exists violates a policy in force or reporting: one per policy and grant while it lasts.
 * {@code enforcement} says what follows: {@code REVOCATION_REQUESTED} (an enforced policy; an
 * {@code access-revocation-requested} with this violation as its cause is in the same commit),
 * {@code HELD} (an enforced policy whose change would revoke too much at once: an admin must confirm)
 * or {@code REPORTED} (a report-only policy: nothing is revoked). {@code guestEmail}, {@code resourceName} and
 * {@code resourceOwners} are the guest and the resource as policy-service knew them, so the owners can be told without
 * another lookup (absent from events written before they were added: an empty list then).
 */
public record PolicyViolationDetected(
        String violationId,
        String policyId,
        int policyVersion,
        String policyName,
        String rule,
        String mode,
        String guestId,
        String guestEmail,
        String grantId,
        String resourceId,
        String resourceName,
        List<String> resourceOwners,
        String message,
        String enforcement,
        String holdId,
        Instant detectedAt) implements EventPayload {

    public PolicyViolationDetected {
        resourceOwners = resourceOwners == null ? List.of() : List.copyOf(resourceOwners);
    }

    @Override
    public EventType eventType() {
        return EventType.POLICY_VIOLATION_DETECTED;
    }

    @Override
    public String key() {
        return guestId;
    }
}

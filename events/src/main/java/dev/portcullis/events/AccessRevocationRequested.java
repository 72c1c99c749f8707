package dev.portcullis.events;

import java.time.Instant;

/**
 * Someone who may not revoke asks inventory-service, which owns grants, to revoke one: review-service
 * for a denied review item, policy-service for a grant that violates an enforced policy. {@code causeId}
 * names the item or violation, and comes back on the {@code access-revoked} it causes. A request for a
 * grant already revoked changes nothing: the first reason stays.
 */
public record AccessRevocationRequested(
        String grantId,
        String guestId,
        RevocationReason reason,
        String causeId,
        String note,
        Instant requestedAt,
        String requestedBy) implements EventPayload {

    @Override
    public EventType eventType() {
        return EventType.ACCESS_REVOCATION_REQUESTED;
    }

    @Override
    public String key() {
        return guestId;
    }
}

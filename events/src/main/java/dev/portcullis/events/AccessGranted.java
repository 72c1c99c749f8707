package dev.portcullis.events;

import java.time.Instant;

/** A guest was given access to a resource; {@code requestId} names the access request it delivers, if any. */
public record AccessGranted(
        String grantId,
        String guestId,
        String resourceId,
        String role,
        Instant grantedAt,
        Instant expiresAt,
        String actor,
        String reason,
        String requestId) implements EventPayload {

    /** A grant made directly (an admin's or an owner's), not delivering an access request. */
    public AccessGranted(String grantId, String guestId, String resourceId, String role, Instant grantedAt, Instant expiresAt, String actor,
            String reason) {
        this(grantId, guestId, resourceId, role, grantedAt, expiresAt, actor, reason, null);
    }

    @Override
    public EventType eventType() {
        return EventType.ACCESS_GRANTED;
    }

    @Override
    public String key() {
        return guestId;
    }
}

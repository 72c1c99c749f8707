package dev.portcullis.events;

import java.time.Instant;
import java.util.List;

/** A grant ended. {@code causeId} names what caused it: a partner signal, a review item, a violation. */
public record AccessRevoked(
        String grantId,
        String guestId,
        String resourceId,
        String resourceName,
        List<String> resourceOwners,
        String role,
        RevocationReason reason,
        String causeId,
        Instant revokedAt,
        String actor) implements EventPayload {

    @Override
    public EventType eventType() {
        return EventType.ACCESS_REVOKED;
    }

    @Override
    public String key() {
        return guestId;
    }
}

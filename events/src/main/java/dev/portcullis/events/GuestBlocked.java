package dev.portcullis.events;

import java.time.Instant;
import java.util.List;

/**
 * The guest may no longer sign in. {@code revokedGrants} lists what the block ended in the same
 * transaction, so that one event tells sponsors and owners the whole story of one cause.
 */
public record GuestBlocked(
        String guestId,
        String email,
        String displayName,
        List<String> sponsors,
        String reason,
        String causeId,
        List<RevokedGrant> revokedGrants,
        Instant blockedAt,
        String actor) implements EventPayload {

    public record RevokedGrant(String grantId, String resourceId, String resourceName, String role, List<String> owners) {
    }

    @Override
    public EventType eventType() {
        return EventType.GUEST_BLOCKED;
    }

    @Override
    public String key() {
        return guestId;
    }
}

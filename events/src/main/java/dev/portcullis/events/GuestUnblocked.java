package dev.portcullis.events;

import java.time.Instant;
import java.util.List;

/**
 * The guest may sign in again ({@code state}: the state the block interrupted, INVITED or ACTIVE).
 * Grants the block revoked stay revoked: access comes back only by new grants.
 */
public record GuestUnblocked(
        String guestId,
        String email,
        String displayName,
        List<String> sponsors,
        String state,
        String reason,
        String causeId,
        Instant unblockedAt,
        String actor) implements EventPayload {

    @Override
    public EventType eventType() {
        return EventType.GUEST_UNBLOCKED;
    }

    @Override
    public String key() {
        return guestId;
    }
}

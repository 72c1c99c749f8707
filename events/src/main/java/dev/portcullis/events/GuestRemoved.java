package dev.portcullis.events;

import java.time.Instant;
import java.util.List;

/**
 * The guest is gone for good (REMOVED); {@code revokedGrantIds} are the grants the removal itself
 * ended (each also on its own {@code access-revoked}). No personal data beyond the sponsors to tell:
 * a removed guest is a data subject whose data is on its way out.
 */
public record GuestRemoved(
        String guestId,
        List<String> sponsors,
        String reason,
        String causeId,
        List<String> revokedGrantIds,
        Instant removedAt,
        String actor) implements EventPayload {

    @Override
    public EventType eventType() {
        return EventType.GUEST_REMOVED;
    }

    @Override
    public String key() {
        return guestId;
    }
}

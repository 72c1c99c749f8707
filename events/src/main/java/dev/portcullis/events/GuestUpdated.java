package dev.portcullis.events;

import java.time.Instant;
import java.util.List;

/**
 * A guest's details changed (over SCIM, or a partner's RISC identifier-changed): the whole of what may
 * change, as it is now, and {@code changed} naming what did. Every copy of the guest follows it.
 */
public record GuestUpdated(
        String guestId,
        String email,
        String displayName,
        List<String> sponsors,
        List<String> changed,
        String reason,
        String causeId,
        Instant updatedAt,
        String actor) implements EventPayload {

    @Override
    public EventType eventType() {
        return EventType.GUEST_UPDATED;
    }

    @Override
    public String key() {
        return guestId;
    }
}

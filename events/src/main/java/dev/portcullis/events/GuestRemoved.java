package dev.portcullis.events;

import java.time.Instant;
import java.util.List;

/**
 * The guest is gone for good (REMOVED); {@code revokedGrantIds} are the grants the removal itself
 * ended (each also on its own {@code access-revoked}). A removed guest is a data subject whose data
 * is on its way out: {@code email} is the address being erased (null in events from before it was
 * named), so that every service finds its copies, those made before the person was a guest too.
 */
public record GuestRemoved(
        String guestId,
        List<String> sponsors,
        String reason,
        String causeId,
        List<String> revokedGrantIds,
        Instant removedAt,
        String actor,
        String email) implements EventPayload {

    /**
     * The address a removed guest is left with wherever their data was kept (inventory, every read
     * model): their personal data is erased on removal. Unique, and of a domain that never receives mail (RFC 2606).
     */
    public static String erasedEmail(String guestId) {
        return guestId + "@erased.invalid";
    }

    @Override
    public EventType eventType() {
        return EventType.GUEST_REMOVED;
    }

    @Override
    public String key() {
        return guestId;
    }
}

package dev.portcullis.events;

import java.time.Instant;
import java.util.List;

public record GuestInvited(
        String guestId,
        String email,
        String displayName,
        String partnerId,
        String homeTenantId,
        String homeSubject,
        List<String> sponsors,
        Instant invitedAt,
        String actor,
        String reason) implements EventPayload {

    @Override
    public EventType eventType() {
        return EventType.GUEST_INVITED;
    }

    @Override
    public String key() {
        return guestId;
    }
}

package dev.portcullis.events;

import java.time.Instant;

public record AccessGranted(
        String grantId,
        String guestId,
        String resourceId,
        String role,
        Instant grantedAt,
        Instant expiresAt,
        String actor,
        String reason) implements EventPayload {

    @Override
    public EventType eventType() {
        return EventType.ACCESS_GRANTED;
    }

    @Override
    public String key() {
        return guestId;
    }
}

package dev.portcullis.events;

import java.time.Instant;
import java.util.List;

/**
 * A grant ends at {@code expiresAt}; published 14 days and 1 day before ({@code noticeDays}), for the
 * sponsors' reminders. A grant made with less time left gets the nearer notice only.
 */
public record AccessExpiring(
        String grantId,
        String guestId,
        String guestEmail,
        List<String> sponsors,
        String resourceId,
        String resourceName,
        List<String> owners,
        String role,
        Instant expiresAt,
        int noticeDays) implements EventPayload {

    @Override
    public EventType eventType() {
        return EventType.ACCESS_EXPIRING;
    }

    @Override
    public String key() {
        return guestId;
    }
}

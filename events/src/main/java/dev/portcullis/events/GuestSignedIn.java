package dev.portcullis.events;

import java.time.Instant;

/**
 * The guest signs in: aggregated, at most one per guest per configured interval, plus one at once
 * when the first sign-in activates an invited guest. {@code lastSignInAt} only moves forward.
 */
public record GuestSignedIn(
        String guestId,
        Instant lastSignInAt,
        String state,
        boolean activated,
        Instant recordedAt) implements EventPayload {

    @Override
    public EventType eventType() {
        return EventType.GUEST_SIGNED_IN;
    }

    @Override
    public String key() {
        return guestId;
    }
}

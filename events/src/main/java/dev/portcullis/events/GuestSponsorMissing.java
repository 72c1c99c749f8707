package dev.portcullis.events;

import java.time.Instant;

/**
 * Nobody vouches for the guest any more (their sponsors are gone): reported once by inventory's
 * lifecycle job, for an admin to name a sponsor or remove the guest. The list is
 * {@code GET /api/v1/guests?sponsor=none}.
 */
public record GuestSponsorMissing(
        String guestId,
        String partnerId,
        String state,
        Instant reportedAt) implements EventPayload {

    @Override
    public EventType eventType() {
        return EventType.GUEST_SPONSOR_MISSING;
    }

    @Override
    public String key() {
        return guestId;
    }
}

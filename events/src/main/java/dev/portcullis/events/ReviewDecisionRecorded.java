package dev.portcullis.events;

import java.time.Instant;

/** A reviewer decided an item (or changed their decision while the campaign was open). */
public record ReviewDecisionRecorded(
        String campaignId,
        String itemId,
        String grantId,
        String guestId,
        String resourceId,
        String reviewer,
        String decision,
        String justification,
        Instant decidedAt) implements EventPayload {

    @Override
    public EventType eventType() {
        return EventType.REVIEW_DECISION_RECORDED;
    }

    /** review.decisions is keyed by guest: every decision about one guest in order. */
    @Override
    public String key() {
        return guestId;
    }
}

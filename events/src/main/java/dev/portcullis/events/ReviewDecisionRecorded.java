package dev.portcullis.events;

import java.time.Instant;

/**
 * A reviewer decided an item (or changed their decision while the campaign was open); with the campaign's name and what the item
 * was recommended, and why, so that the evidence of a guest's access (inventory-service's audit trail) shows what the reviewer was
 * told. Those three are null in events written before they were added.
 */
public record ReviewDecisionRecorded(
        String campaignId,
        String itemId,
        String grantId,
        String guestId,
        String resourceId,
        String reviewer,
        String decision,
        String justification,
        Instant decidedAt,
        String campaignName,
        String recommendation,
        String recommendationReason) implements EventPayload {

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

package dev.portcullis.events;

import java.time.Instant;

/** One reviewer's share of a campaign, for their one digest: how many items, by when, and where to review them. */
public record ReviewerAssigned(
        String campaignId,
        String campaignName,
        String reviewer,
        int itemCount,
        Instant deadline,
        String reviewLink,
        int stage) implements EventPayload {

    @Override
    public EventType eventType() {
        return EventType.REVIEWER_ASSIGNED;
    }

    /** Every event of a campaign on one partition, in order. */
    @Override
    public String key() {
        return campaignId;
    }
}

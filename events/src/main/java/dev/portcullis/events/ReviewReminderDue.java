package dev.portcullis.events;

import java.time.Instant;

/** A reviewer still has pending items this many days before the campaign ends. */
public record ReviewReminderDue(
        String campaignId,
        String campaignName,
        String reviewer,
        int pendingCount,
        Instant deadline,
        int daysBeforeEnd,
        String reviewLink,
        int stage) implements EventPayload {

    @Override
    public EventType eventType() {
        return EventType.REVIEW_REMINDER_DUE;
    }

    /** Every event of a campaign on one partition, in order. */
    @Override
    public String key() {
        return campaignId;
    }
}

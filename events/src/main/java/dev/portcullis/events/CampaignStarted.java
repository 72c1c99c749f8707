package dev.portcullis.events;

import java.time.Instant;

/** A review campaign started: its items are stored and its reviewers fixed. */
public record CampaignStarted(
        String campaignId,
        String definitionId,
        String name,
        Instant startedAt,
        Instant endsAt,
        int itemCount,
        int reviewerCount,
        String startedBy) implements EventPayload {

    @Override
    public EventType eventType() {
        return EventType.CAMPAIGN_STARTED;
    }

    /** Every event of a campaign on one partition, in order. */
    @Override
    public String key() {
        return campaignId;
    }
}

package dev.portcullis.events;

import java.time.Instant;

/**
 * A campaign ended: the outcome of its items, and whether its revocations go out. {@code applyHeld}:
 * applying would revoke more than the guard allows, and waits for an admin's confirmation.
 */
public record CampaignCompleted(
        String campaignId,
        String definitionId,
        String name,
        String owner,
        Instant completedAt,
        Counts counts,
        boolean autoApply,
        boolean applyHeld,
        String applyHeldReason) implements EventPayload {

    /** Items by final outcome: approved, denied (to revoke), not reviewed (and kept), revoked elsewhere meanwhile. */
    public record Counts(int total, int approved, int denied, int notReviewed, int revokedElsewhere) {
    }

    @Override
    public EventType eventType() {
        return EventType.CAMPAIGN_COMPLETED;
    }

    @Override
    public String key() {
        return campaignId;
    }
}

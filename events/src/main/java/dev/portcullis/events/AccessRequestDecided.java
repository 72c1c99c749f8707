package dev.portcullis.events;

import java.time.Instant;
import java.util.List;

/**
 * A step in an access request's life: an approver approved or denied a stage, the requester cancelled,
 * a stage's deadline passed unanswered (EXPIRE), or inventory-service refused to deliver it (FAIL).
 * {@code state} is the request's state after it: PENDING_APPROVAL (a later stage is next), APPROVED,
 * DENIED, CANCELLED, EXPIRED or FAILED. For the requester
 * and the sponsors, with the reason and, once approved, until when the access lasts.
 */
public record AccessRequestDecided(
        String requestId,
        String packageId,
        String packageName,
        String requesterEmail,
        String guestId,
        List<String> sponsors,
        int stage,
        String decision,
        String decidedBy,
        String justification,
        String state,
        Instant expiresAt,
        Instant decidedAt) implements EventPayload {

    @Override
    public EventType eventType() {
        return EventType.ACCESS_REQUEST_DECIDED;
    }

    @Override
    public String key() {
        return AccessRequestSubmitted.requesterKey(guestId, requesterEmail);
    }
}

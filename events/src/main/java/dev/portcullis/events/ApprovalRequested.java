package dev.portcullis.events;

import java.time.Instant;

/**
 * One approver's turn on one access request: one event per approver of the stage (and again, to the
 * fallback approvers, when an unanswered stage escalates), with the deadline and the link to decide.
 */
public record ApprovalRequested(
        String requestId,
        String packageId,
        String packageName,
        String requesterEmail,
        String guestId,
        String approver,
        int stage,
        int stages,
        boolean escalated,
        boolean justificationRequired,
        Instant deadline,
        String link,
        Instant requestedAt) implements EventPayload {

    @Override
    public EventType eventType() {
        return EventType.APPROVAL_REQUESTED;
    }

    @Override
    public String key() {
        return AccessRequestSubmitted.requesterKey(guestId, requesterEmail);
    }
}

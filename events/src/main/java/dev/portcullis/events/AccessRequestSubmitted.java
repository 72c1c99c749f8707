package dev.portcullis.events;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Someone asked for an access package: for themselves (a guest, or a partner's user not yet a guest) or
 * on a partner user's behalf (a sponsor or an admin). {@code state} is PENDING_APPROVAL, or APPROVED
 * when the package needs no approval.
 */
public record AccessRequestSubmitted(
        String requestId,
        String packageId,
        int packageVersion,
        String packageName,
        Requester requester,
        String guestId,
        String partnerId,
        String submittedBy,
        String justification,
        Map<String, String> answers,
        List<String> sponsors,
        String state,
        Instant submittedAt) implements EventPayload {

    /** The person who is to get the access: their address, and where known their home tenant, subject and name. */
    public record Requester(String email, String homeTenantId, String homeSubject, String displayName) {
    }

    @Override
    public EventType eventType() {
        return EventType.ACCESS_REQUEST_SUBMITTED;
    }

    @Override
    public String key() {
        return AccessRequestSubmitted.requesterKey(guestId, requester.email());
    }

    /** A request's record key: the requester's guest id, else (no guest yet) their address. */
    public static String requesterKey(String guestId, String email) {
        return guestId != null ? guestId : email;
    }
}

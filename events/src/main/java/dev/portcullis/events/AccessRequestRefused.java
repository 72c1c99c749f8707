package dev.portcullis.events;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * inventory-service could not deliver an approved access request: the policies refused the invitation
 * or one of the grants (their reasons: policy id, version, message), or the guest is blocked. Nothing
 * of the request was delivered: a package is granted whole or not at all.
 */
public record AccessRequestRefused(
        String requestId,
        String requesterEmail,
        String guestId,
        String message,
        List<Map<String, Object>> reasons,
        Instant refusedAt) implements EventPayload {

    @Override
    public EventType eventType() {
        return EventType.ACCESS_REQUEST_REFUSED;
    }

    @Override
    public String key() {
        return AccessRequestSubmitted.requesterKey(guestId, requesterEmail);
    }
}

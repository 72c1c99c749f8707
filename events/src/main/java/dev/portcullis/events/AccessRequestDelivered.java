package dev.portcullis.events;

import java.time.Instant;
import java.util.List;

/** Every grant of an approved access request is in place (each seen as access-granted on inventory.access): the request is DELIVERED. */
public record AccessRequestDelivered(
        String requestId,
        String packageId,
        String requesterEmail,
        String guestId,
        List<String> grantIds,
        Instant expiresAt,
        Instant deliveredAt) implements EventPayload {

    @Override
    public EventType eventType() {
        return EventType.ACCESS_REQUEST_DELIVERED;
    }

    /** By the guest id, which exists now (a request's earlier events were keyed by the address while the requester was no guest). */
    @Override
    public String key() {
        return AccessRequestSubmitted.requesterKey(guestId, requesterEmail);
    }
}

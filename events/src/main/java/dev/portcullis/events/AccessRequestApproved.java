package dev.portcullis.events;

import java.time.Instant;
import java.util.List;

/**
 * An access request was approved (every stage, or none was needed): inventory-service delivers it,
 * inviting the requester when they are no guest yet (with these sponsors) and granting each resource
 * with its role until {@code expiresAt}, through the same policy checks as an admin's grant.
 */
public record AccessRequestApproved(
        String requestId,
        String packageId,
        String packageName,
        AccessRequestSubmitted.Requester requester,
        String guestId,
        String partnerId,
        List<String> sponsors,
        List<AccessPackageChanged.PackageResource> resources,
        Instant expiresAt,
        String approvedBy,
        Instant approvedAt) implements EventPayload {

    @Override
    public EventType eventType() {
        return EventType.ACCESS_REQUEST_APPROVED;
    }

    @Override
    public String key() {
        return AccessRequestSubmitted.requesterKey(guestId, requester.email());
    }
}

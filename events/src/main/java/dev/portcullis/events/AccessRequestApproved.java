package dev.portcullis.events;

import java.time.Instant;
import java.util.List;

/**
 * An access request was approved (every stage, or none was needed): inventory-service delivers it,
 * inviting the requester when they are no guest yet (with these sponsors) and granting each resource
 * with its role until {@code expiresAt}, through the same policy checks as an admin's grant, with the authority of whoever offered
 * each resource in the package ({@link AccessPackageChanged.PackageResource}) and of the completed approval chain ({@code approvers}).
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
        Instant approvedAt,
        List<String> approvers) implements EventPayload {

    /** Every approver of the chain, stage by stage (none: no approval was needed); absent in events written before it was named. */
    public AccessRequestApproved {
        approvers = approvers == null ? List.of() : List.copyOf(approvers);
    }

    @Override
    public EventType eventType() {
        return EventType.ACCESS_REQUEST_APPROVED;
    }

    @Override
    public String key() {
        return AccessRequestSubmitted.requesterKey(guestId, requester.email());
    }
}

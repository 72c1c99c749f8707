package dev.portcullis.events;

import java.time.Instant;
import java.util.List;

/**
 * A grant ended. {@code causeId} names what caused it: a partner signal, a review item, a violation.
 * {@code guestEmail} and {@code sponsors} are the guest's when it ended, so that the sponsors can be told of a
 * grant ended on its own (a review, a policy, its expiry, an admin), naming the guest ({@code guestName}, their display name, if
 * any); a removed guest's address and name are not sent (null), nor are they in events written before these were added (then null
 * and an empty list).
 */
public record AccessRevoked(
        String grantId,
        String guestId,
        String resourceId,
        String resourceName,
        List<String> resourceOwners,
        String role,
        RevocationReason reason,
        String causeId,
        Instant revokedAt,
        String actor,
        String guestEmail,
        List<String> sponsors,
        String guestName) implements EventPayload {

    public AccessRevoked {
        sponsors = sponsors == null ? List.of() : List.copyOf(sponsors);
    }

    /** Without the guest's display name (events written before it was added, and a guest who has none). */
    public AccessRevoked(String grantId, String guestId, String resourceId, String resourceName, List<String> resourceOwners, String role,
            RevocationReason reason, String causeId, Instant revokedAt, String actor, String guestEmail, List<String> sponsors) {
        this(grantId, guestId, resourceId, resourceName, resourceOwners, role, reason, causeId, revokedAt, actor, guestEmail, sponsors, null);
    }

    /** Without the guest's address and sponsors (nobody to tell but the owners). */
    public AccessRevoked(String grantId, String guestId, String resourceId, String resourceName, List<String> resourceOwners, String role,
            RevocationReason reason, String causeId, Instant revokedAt, String actor) {
        this(grantId, guestId, resourceId, resourceName, resourceOwners, role, reason, causeId, revokedAt, actor, null, List.of(), null);
    }

    @Override
    public EventType eventType() {
        return EventType.ACCESS_REVOKED;
    }

    @Override
    public String key() {
        return guestId;
    }
}

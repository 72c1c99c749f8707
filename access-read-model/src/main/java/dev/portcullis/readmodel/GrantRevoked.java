package dev.portcullis.readmodel;

import java.time.Instant;
import java.util.UUID;

/** A grant the read model learned had ended: one of {@link GrantsRevoked}. */
public record GrantRevoked(UUID grantId, UUID guestId, UUID resourceId, String reason, String causeId, Instant revokedAt) {
}

package dev.portcullis.readmodel;

import java.time.Instant;
import java.util.UUID;

/**
 * Fired (synchronously, inside the transaction that applies the event) when the read model learns
 * that a grant ended, so the service can react atomically with the inbox record.
 */
public record GrantRevoked(UUID grantId, UUID guestId, UUID resourceId, String reason, String causeId, Instant revokedAt) {
}

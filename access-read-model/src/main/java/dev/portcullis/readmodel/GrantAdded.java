package dev.portcullis.readmodel;

import java.util.UUID;

/**
 * Fired (synchronously, inside the transaction that applies the event) when the read model learns of
 * a new grant; {@code requestId} names the access request it delivers, if any.
 */
public record GrantAdded(UUID grantId, UUID guestId, UUID resourceId, String role, String requestId) {
}

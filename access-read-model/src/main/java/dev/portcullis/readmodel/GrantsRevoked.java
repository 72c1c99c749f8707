package dev.portcullis.readmodel;

import java.util.List;

/**
 * Fired (synchronously, inside the transaction that applies the events, once they are all applied) with the grants the read model
 * learned had ended, in the order of their events, so the service can react atomically with the inbox records: a blocked guest's
 * twenty revocations come as one event, for one statement rather than twenty.
 */
public record GrantsRevoked(List<GrantRevoked> grants) {
}

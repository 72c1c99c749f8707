package dev.portcullis.readmodel;

import java.util.UUID;

/**
 * Fired (synchronously, inside the transaction that applies the event) whenever the read model
 * changes what it knows of a guest (their details, or a grant they hold) or of a resource, so that a
 * service can queue its own reaction atomically with the change.
 */
public record ReadModelChanged(Kind kind, UUID id) {

    public enum Kind { GUEST, RESOURCE }
}

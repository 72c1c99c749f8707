package dev.portcullis.backbone.rest;

/**
 * An answer that carries a secret shown this once (a push authorization, a webhook's signing secret). The idempotency store keeps
 * {@link #withoutSecret()} for a repeat of the request: a secret is never kept in the clear, and a replay does not hand it out again.
 */
public interface ShownOnce {

    /** The same answer with the secret left out. */
    Object withoutSecret();
}

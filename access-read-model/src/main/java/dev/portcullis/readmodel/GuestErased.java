package dev.portcullis.readmodel;

import java.util.UUID;

/**
 * Fired (synchronously, inside the transaction that applies {@code guest-removed}) before the read model blanks its copy: the
 * guest and the address being erased, so that the service erases its own copies (review-service: requests, self-reviews) in the
 * same transaction. {@code email} is null only for an event of old that did not name it and a guest the read model never knew.
 */
public record GuestErased(UUID guestId, String email) {

    /** What the address becomes: {@code <guest id>@erased.invalid}. */
    public String erased() {
        return dev.portcullis.events.GuestRemoved.erasedEmail(guestId.toString());
    }

    /** The address in lower case, as the services compare it. */
    public String address() {
        return email.toLowerCase(java.util.Locale.ROOT);
    }

    /** The address as a POSIX regular expression, for PostgreSQL's {@code regexp_replace(text, pattern, erased(), 'gi')}. */
    public String addressPattern() {
        return dev.portcullis.backbone.outbox.Outbox.pattern(address());
    }
}

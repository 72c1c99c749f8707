package dev.portcullis.inventory.ssf.receiver;

/**
 * A SET refused, with its RFC 8935 error code: {@code invalid_request} (not a SET, or not one we can read), {@code invalid_key}
 * (signed with a key we do not know or accept), {@code invalid_issuer}, {@code invalid_audience}, {@code authentication_failed}
 * (the push authorization is wrong, or the signature does not verify) or {@code access_denied} (a subject this partner may not speak for).
 */
public class SetRefused extends RuntimeException {

    public final String err;

    public SetRefused(String err, String description) {
        super(description);
        this.err = err;
    }
}

package dev.portcullis.inventory.ssf;

/** The Shared Signals event types both directions speak: what partners' transmitters send us and what our transmitter sends. */
public final class EventTypes {

    public static final String RISC = "https://schemas.openid.net/secevent/risc/event-type/";
    public static final String CAEP = "https://schemas.openid.net/secevent/caep/event-type/";
    public static final String SESSION_REVOKED = CAEP + "session-revoked";
    public static final String CREDENTIAL_CHANGE = CAEP + "credential-change";
    public static final String IDENTIFIER_CHANGED = RISC + "identifier-changed";
    /** SSF 1.0 §8.1.4: asked for by a receiver, always delivered. */
    public static final String VERIFICATION = "https://schemas.openid.net/secevent/ssf/event-type/verification";

    private EventTypes() {
    }
}

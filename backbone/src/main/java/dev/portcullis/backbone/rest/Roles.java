package dev.portcullis.backbone.rest;

/** The roles of ARCHITECTURE.md, as {@code @RolesAllowed} needs them. */
public final class Roles {
    public static final String ADMIN = "portcullis-admin";
    public static final String OWNER = "portcullis-owner";
    public static final String AUDITOR = "portcullis-auditor";
    public static final String SIGNAL = "portcullis-signal";
    /** Partners' people: a guest, or a person of a connected partner not yet a guest, requesting access packages. */
    public static final String GUEST = "portcullis-guest";
    /** Policy enforcement points (inventory-service, resource servers) asking policy-service for decisions. */
    public static final String PDP = "portcullis-pdp";
    /** Provisioning systems speaking SCIM 2.0 over the guest inventory (/scim/v2). */
    public static final String SCIM = "portcullis-scim";
    /** The organization's own applications receiving CAEP events from Portcullis' transmitter (SSF stream management, poll). */
    public static final String SSF_RECEIVER = "portcullis-ssf-receiver";

    private Roles() {
    }
}

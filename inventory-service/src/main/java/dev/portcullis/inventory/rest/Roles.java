package dev.portcullis.inventory.rest;

/** The roles of ARCHITECTURE.md, as {@code @RolesAllowed} needs them. */
final class Roles {
    static final String ADMIN = "portcullis-admin";
    static final String OWNER = "portcullis-owner";
    static final String AUDITOR = "portcullis-auditor";
    static final String SIGNAL = "portcullis-signal";

    private Roles() {
    }
}

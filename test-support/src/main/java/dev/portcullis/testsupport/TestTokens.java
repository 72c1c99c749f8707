package dev.portcullis.testsupport;

import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import java.util.Set;

/** Signed bearer tokens from the in-process OIDC provider, one per role of ARCHITECTURE.md. */
public final class TestTokens {

    public static final String ADMIN = "portcullis-admin";
    public static final String OWNER = "portcullis-owner";
    public static final String AUDITOR = "portcullis-auditor";
    public static final String SIGNAL = "portcullis-signal";

    private TestTokens() {
    }

    public static String withRole(String user, String role) {
        return OidcWiremockTestResource.getAccessToken(user, Set.of(role));
    }

    public static String admin() {
        return withRole("admin", ADMIN);
    }

    public static String auditor() {
        return withRole("auditor", AUDITOR);
    }

    public static String owner(String email) {
        return withRole(email, OWNER);
    }

    public static String signal() {
        return withRole("service-account-portcullis-signal", SIGNAL);
    }
}

package dev.portcullis.testsupport;

import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import java.util.Map;
import java.util.Set;

/** Signed bearer tokens from the in-process OIDC provider, one per role of ARCHITECTURE.md. */
public final class TestTokens {

    public static final String ADMIN = "portcullis-admin";
    public static final String OWNER = "portcullis-owner";
    public static final String AUDITOR = "portcullis-auditor";
    public static final String SIGNAL = "portcullis-signal";
    public static final String GUEST = "portcullis-guest";
    public static final String SCIM = "portcullis-scim";
    public static final String SSF_RECEIVER = "portcullis-ssf-receiver";

    private TestTokens() {
    }

    /** The audience every Portcullis service demands (quarkus.oidc.token.audience). */
    public static final String AUDIENCE = "portcullis";
    /** The OIDC client of the partner-signal connector: the same id as in the Keycloak realm. */
    public static final String SIGNAL_CLIENT = "portcullis-signal";
    /** The partner-signal connector on Kafka (deploy/kubernetes/kafka-users.yaml): it writes partner.signals.partner-signal-connector. */
    public static final String SIGNAL_CONNECTOR = "partner-signal-connector";

    public static String withRole(String user, String role) {
        return token(user, role, AUDIENCE, "portcullis-cli");
    }

    /** A signed token for {@code user} with {@code role}, meant for {@code audience}, issued to the client {@code azp}. */
    public static String token(String user, String role, String audience, String azp) {
        return OidcWiremockTestResource.generateJwtToken(user, Set.of(role), user, "Bearer", Set.of(audience), Map.of("azp", azp));
    }

    /** A person's token as Keycloak issues it, with an {@code email} claim and whether the provider verified it. */
    public static String withEmail(String user, String role, String email, boolean verified) {
        return OidcWiremockTestResource.generateJwtToken(user, Set.of(role), user, "Bearer", Set.of(AUDIENCE),
                Map.of("azp", "portcullis-cli", "email", email, "email_verified", String.valueOf(verified)));
    }

    /** A signal connector's token from another OIDC client than the partners name. */
    public static String signalFromClient(String clientId) {
        return token("service-account-" + clientId, SIGNAL, AUDIENCE, clientId);
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

    /** A partner's person, known by their address (a guest, or not yet). */
    public static String guest(String email) {
        return withRole(email, GUEST);
    }

    /** A SCIM provisioning client's token (client credentials of the realm's portcullis-scim client). */
    public static String scim() {
        return token("service-account-portcullis-scim", SCIM, AUDIENCE, "portcullis-scim");
    }

    /** One of the organization's applications receiving our CAEP events (client credentials, client {@code app}). */
    public static String ssfReceiver(String client) {
        return token("service-account-" + client, SSF_RECEIVER, AUDIENCE, client);
    }

    public static String signal() {
        return signalFromClient(SIGNAL_CLIENT);
    }
}

package dev.portcullis.e2e;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.testsupport.InventoryApi;
import dev.portcullis.testsupport.SsfReceiver;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A real partner identity provider: the platform's Keycloak (26.7, SSF feature on), whose realm {@code partner} plays the
 * partner's IdP with Portcullis' receiver client. Portcullis makes its stream there through the SSF management API (not Keycloak's
 * admin API), first push, then poll. The partner's person logging out at Keycloak ends the guest's sessions downstream: the
 * organization's application, subscribed to Portcullis' own transmitter, gets a session-revoked for the guest that verifies
 * against Portcullis' JWKS; the guest keeps their grants. A password reset at Keycloak is recorded as a credential-change.
 */
@ExtendWith(Platform.class)
class KeycloakSharedSignalsTest {

    private static final String SESSION_REVOKED = "https://schemas.openid.net/secevent/caep/event-type/session-revoked";
    private static final String CREDENTIAL_CHANGE = "https://schemas.openid.net/secevent/caep/event-type/credential-change";

    @Test
    void loggingOutAtThePartnersKeycloakEndsTheGuestsSessionsInOurApplicationsOverAPushAndThenAPollStream() throws Exception {
        Platform platform = Platform.get();
        InventoryApi inventory = platform.inventory();
        String admin = platform.userToken("admin");
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String partnerId = inventory.createPartner("partner-idp-" + suffix, "idp" + suffix + ".example");
        String guestId = inventory.inviteGuest("ann@idp" + suffix + ".example", "partner-idp-" + suffix, platform.endpoint("PARTNER_IDP_USER_ID"),
                List.of("sponsor@example.com"));
        String resource = inventory.createResource("Partner portal " + suffix, "GENERAL", List.of("owner@example.com"));
        inventory.grant(guestId, resource, "reader");
        String issuer = platform.endpoint("PARTNER_IDP_ISSUER");

        // the organization's application, on Portcullis' transmitter
        String app = platform.clientToken("SSF_RECEIVER");
        String ours = given().get(platform.endpoint("SSF_CONFIGURATION_URL")).then().statusCode(200).extract().path("issuer");
        try (SsfReceiver application = new SsfReceiver()) {
            String appStream = given().baseUri(ours).auth().oauth2(app).contentType(ContentType.JSON).body(Map.of("delivery", Map.of("method",
                    "urn:ietf:rfc:8935", "endpoint_url", application.endpoint), "events_requested", List.of(SESSION_REVOKED)))
                    .post("/ssf/v1/transmitter/streams").then().statusCode(201).extract().path("stream_id");
            try {
                for (String delivery : List.of("PUSH", "POLL")) {
                    // Portcullis registers as the partner IdP's receiver and makes its stream through the SSF management API
                    inventory.as(admin).body(Map.of("issuer", issuer, "streamManagement", Map.of("clientId", platform.endpoint("PARTNER_IDP_CLIENT_ID"),
                                    "clientSecret", platform.endpoint("PARTNER_IDP_CLIENT_SECRET"), "delivery", delivery)))
                            .put("/api/v1/partners/" + partnerId + "/ssf").then().statusCode(200)
                            .body("stream.delivery", equalTo(delivery)).body("stream.streamId", notNullValue())
                            .body("audience", startsWith(platform.endpoint("PARTNER_IDP_CLIENT_ID") + "/"));
                    inventory.as(admin).get("/api/v1/partners/" + partnerId + "/ssf").then().statusCode(200).body("stream.status", equalTo("enabled"));

                    int before = application.received().size();
                    long start = System.nanoTime();
                    logInAndOut(platform);
                    await().atMost(Duration.ofSeconds(30)).until(() -> application.received().size() > before);
                    System.out.printf("Keycloak logout (%s stream) -> session-revoked at the application in %d ms%n", delivery,
                            (System.nanoTime() - start) / 1_000_000);
                    String set = application.received().get(application.received().size() - 1);
                    String jwks = given().get(ours + "/ssf/v1/transmitter/jwks").then().statusCode(200).extract().asString();
                    JwtClaims claims = SsfReceiver.verify(set, jwks, ours, "portcullis-demo-app");
                    assertEquals(Map.of("format", "email", "email", "ann@idp" + suffix + ".example"), claims.getClaimValue("sub_id"));
                    assertTrue(((Map<?, ?>) claims.getClaimValue("events")).containsKey(SESSION_REVOKED));
                    assertEquals(List.of("ACTIVE"), inventory.grantStates(guestId), "a session ended at home ends no access");

                    // a password reset at the partner is recorded as a credential-change signal
                    Instant resetAt = Instant.now().minusSeconds(1);
                    resetPassword(platform);
                    await().atMost(Duration.ofSeconds(30)).until(() -> recorded(platform, partnerId, resetAt, CREDENTIAL_CHANGE));
                }
                inventory.as(admin).get("/api/v1/partners/" + partnerId + "/ssf").then().body("stream.lastPolledAt", notNullValue())
                        .body("stream.lastError", equalTo(null));
            } finally {
                given().baseUri(ours).auth().oauth2(app).queryParam("stream_id", appStream).delete("/ssf/v1/transmitter/streams");
                inventory.as(admin).delete("/api/v1/partners/" + partnerId + "/ssf");
            }
        }
    }

    /** Ann signs in at her IdP's portal and logs out again (the session Keycloak ends is what it tells its receivers). */
    private static void logInAndOut(Platform platform) {
        String token = platform.endpoint("PARTNER_IDP_ISSUER") + "/protocol/openid-connect";
        String refresh = given().formParam("grant_type", "password").formParam("client_id", "partner-portal")
                .formParam("username", platform.endpoint("PARTNER_IDP_USER")).formParam("password", platform.endpoint("PARTNER_IDP_USER"))
                .post(token + "/token").then().statusCode(200).extract().path("refresh_token");
        given().formParam("client_id", "partner-portal").formParam("refresh_token", refresh).post(token + "/logout").then().statusCode(204);
    }

    /** The partner's admin resets Ann's password (to the same one, so the next sign-in works). */
    private static void resetPassword(Platform platform) {
        String keycloak = platform.endpoint("KEYCLOAK_URL");
        String master = given().formParam("grant_type", "password").formParam("client_id", "admin-cli").formParam("username", "admin")
                .formParam("password", "admin").post(keycloak + "/realms/master/protocol/openid-connect/token").then().statusCode(200)
                .extract().path("access_token");
        given().auth().oauth2(master).contentType(ContentType.JSON).body(Map.of("type", "password", "value",
                platform.endpoint("PARTNER_IDP_USER"), "temporary", false))
                .put(keycloak + "/admin/realms/partner/users/" + platform.endpoint("PARTNER_IDP_USER_ID") + "/reset-password").then().statusCode(204);
    }

    /** Whether the audit trail recorded the partner's {@code event} since {@code from}. */
    private static boolean recorded(Platform platform, String partnerId, Instant from, String event) {
        JsonPath audit = platform.inventory().as(platform.userToken("auditor")).queryParam("from", from.toString()).queryParam("limit", 500)
                .get("/api/v1/audit").then().statusCode(200).extract().jsonPath();
        List<Map<String, Object>> items = audit.getList("items");
        return items.stream().anyMatch(i -> "SSF_EVENT_RECORDED".equals(i.get("action")) && event.equals(i.get("reason"))
                && String.valueOf(i.get("details")).contains(partnerId));
    }
}

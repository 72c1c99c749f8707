package dev.portcullis.inventory;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;
import static dev.portcullis.testsupport.RoleMatrix.endpoint;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.testsupport.InventoryApi;
import dev.portcullis.testsupport.KafkaResource;
import dev.portcullis.testsupport.PostgresResource;
import dev.portcullis.testsupport.RoleMatrix;
import dev.portcullis.testsupport.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import dev.portcullis.testsupport.DeclaredBody;
import java.net.URL;
import java.util.Map;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad calls are refused — no token 401, each role outside an endpoint's 403, bad body 400 naming the field — and change nothing. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
class InventoryApiGuardTest {

    private static final String ANY_ID = UUID.randomUUID().toString();

    @TestHTTPResource("/")
    URL baseUrl;

    InventoryApi api;

    @BeforeEach
    void setUp() {
        api = new InventoryApi(baseUrl.toString(), TestTokens::admin, TestTokens::signal);
    }

    private static final String ADMIN = TestTokens.ADMIN;
    private static final String OWNER = TestTokens.OWNER;
    private static final String AUDITOR = TestTokens.AUDITOR;
    private static final String SIGNAL = TestTokens.SIGNAL;
    private static final String SCIM = TestTokens.SCIM;
    private static final String SSF = TestTokens.SSF_RECEIVER;

    /** Every endpoint of the service, with the roles it lets in. */
    private static final List<RoleMatrix.Endpoint> ENDPOINTS = List.of(
            endpoint("POST", "/api/v1/partners", ADMIN),
            endpoint("GET", "/api/v1/partners", ADMIN, AUDITOR),
            endpoint("GET", "/api/v1/partners/" + ANY_ID, ADMIN, AUDITOR),
            endpoint("PATCH", "/api/v1/partners/" + ANY_ID, ADMIN),
            endpoint("PUT", "/api/v1/partners/" + ANY_ID + "/ssf", ADMIN),
            endpoint("GET", "/api/v1/partners/" + ANY_ID + "/ssf", ADMIN, AUDITOR),
            endpoint("DELETE", "/api/v1/partners/" + ANY_ID + "/ssf", ADMIN),
            endpoint("POST", "/api/v1/resources", ADMIN),
            endpoint("GET", "/api/v1/resources", ADMIN, AUDITOR, OWNER),
            endpoint("GET", "/api/v1/resources/" + ANY_ID, ADMIN, AUDITOR, OWNER),
            endpoint("PATCH", "/api/v1/resources/" + ANY_ID, ADMIN),
            endpoint("POST", "/api/v1/guests", ADMIN, OWNER),
            endpoint("GET", "/api/v1/guests", ADMIN, AUDITOR, OWNER),
            endpoint("GET", "/api/v1/guests/" + ANY_ID, ADMIN, AUDITOR, OWNER),
            endpoint("POST", "/api/v1/guests/" + ANY_ID + "/block", ADMIN),
            endpoint("POST", "/api/v1/guests/" + ANY_ID + "/unblock", ADMIN),
            endpoint("DELETE", "/api/v1/guests/" + ANY_ID, ADMIN),
            endpoint("POST", "/api/v1/grants", ADMIN, OWNER),
            endpoint("GET", "/api/v1/grants", ADMIN, AUDITOR, OWNER),
            endpoint("GET", "/api/v1/grants/" + ANY_ID, ADMIN, AUDITOR, OWNER),
            endpoint("DELETE", "/api/v1/grants/" + ANY_ID, ADMIN, OWNER),
            endpoint("POST", "/api/v1/partner-signals", SIGNAL),
            endpoint("GET", "/api/v1/partner-signals/" + ANY_ID, ADMIN, AUDITOR, SIGNAL),
            endpoint("POST", "/api/v1/sign-ins", ADMIN),
            endpoint("GET", "/api/v1/audit", ADMIN, AUDITOR),
            endpoint("GET", "/api/v1/audit/verify", ADMIN, AUDITOR),
            endpoint("GET", "/api/v1/evidence", ADMIN, AUDITOR),
            endpoint("POST", "/api/v1/imports/guests", ADMIN),
            endpoint("GET", "/api/v1/imports/" + ANY_ID, ADMIN, AUDITOR),
            endpoint("GET", "/api/v1/imports/" + ANY_ID + "/lines", ADMIN, AUDITOR),
            endpoint("GET", "/api/v1/admin/dead-letters", ADMIN),
            endpoint("POST", "/api/v1/admin/dead-letters/redrive", ADMIN),
            endpoint("GET", "/api/v1/admin/outbox/parked", ADMIN),
            endpoint("POST", "/api/v1/admin/outbox/parked/1/retry", ADMIN),
            endpoint("POST", "/ssf/v1/transmitter/streams", SSF),
            endpoint("GET", "/ssf/v1/transmitter/streams", SSF),
            endpoint("PATCH", "/ssf/v1/transmitter/streams", SSF),
            endpoint("PUT", "/ssf/v1/transmitter/streams", SSF),
            endpoint("DELETE", "/ssf/v1/transmitter/streams?stream_id=" + ANY_ID, SSF),
            endpoint("GET", "/ssf/v1/transmitter/status?stream_id=" + ANY_ID, SSF),
            endpoint("POST", "/ssf/v1/transmitter/status", SSF),
            endpoint("POST", "/ssf/v1/transmitter/subjects/add", SSF),
            endpoint("POST", "/ssf/v1/transmitter/subjects/remove", SSF),
            endpoint("POST", "/ssf/v1/transmitter/verify", SSF),
            endpoint("POST", "/ssf/v1/transmitter/poll/" + ANY_ID, SSF),
            endpoint("GET", "/scim/v2/Users", SCIM),
            endpoint("POST", "/scim/v2/Users", SCIM),
            endpoint("GET", "/scim/v2/Users/" + ANY_ID, SCIM),
            endpoint("PUT", "/scim/v2/Users/" + ANY_ID, SCIM),
            endpoint("PATCH", "/scim/v2/Users/" + ANY_ID, SCIM),
            endpoint("DELETE", "/scim/v2/Users/" + ANY_ID, SCIM),
            endpoint("GET", "/scim/v2/ServiceProviderConfig", SCIM, ADMIN, AUDITOR),
            endpoint("GET", "/scim/v2/ResourceTypes", SCIM, ADMIN, AUDITOR),
            endpoint("GET", "/scim/v2/ResourceTypes/User", SCIM, ADMIN, AUDITOR),
            endpoint("GET", "/scim/v2/Schemas", SCIM, ADMIN, AUDITOR),
            endpoint("GET", "/scim/v2/Schemas/" + "urn:ietf:params:scim:schemas:core:2.0:User", SCIM, ADMIN, AUDITOR));

    /**
     * Bodies are limited per route by their declared length, before any of it is read: 1 MB for the API, the CSV import's large
     * bodies only with credentials; a body of unknown length on a limited route must say its length.
     */
    @Test
    void aLargeBodyIsRefusedByItsDeclaredLengthUnlessItIsAnImportWithCredentials() throws Exception {
        String base = baseUrl.toString().replaceAll("/$", "");
        Map<String, String> admin = Map.of("Authorization", "Bearer " + TestTokens.admin(), "Content-Type", "application/json");
        assertEquals(413, DeclaredBody.post(base + "/api/v1/guests", admin, 2 * 1024 * 1024));
        assertEquals(411, DeclaredBody.post(base + "/api/v1/guests", admin, -1));
        assertEquals(413, DeclaredBody.post(base + "/api/v1/imports/guests", Map.of("Content-Type", "text/csv"), 10 * 1024 * 1024));
        // with credentials the import's body passes the limit, to be read and refused for what it is (not CSV: 415)
        assertEquals(415, DeclaredBody.post(base + "/api/v1/imports/guests", Map.of("Authorization", "Bearer " + TestTokens.admin(),
                "Content-Type", "application/octet-stream"), 2 * 1024 * 1024));
        // the problem document says what the limit is (read before the body is sent: the server closes the connection after it)
        DeclaredBody.Answer refused = DeclaredBody.answer(base + "/api/v1/partners", admin, 1024 * 1024 + 16);
        assertEquals(413, refused.status());
        assertTrue(refused.contentType().startsWith("application/problem+json"), refused.contentType());
        assertTrue(refused.body().contains("at most 1048576 bytes"), refused.body());
    }

    @TestFactory
    Stream<DynamicTest> everyEndpointWithoutATokenAndWithEachRole() {
        return RoleMatrix.tests(ENDPOINTS);
    }

    @Test
    void aForgedTokenIsUnauthorized() {
        String token = TestTokens.admin();
        String forged = token.substring(0, token.lastIndexOf('.') + 1) + "c2lnbmF0dXJl";
        api.as(forged).get("/api/v1/partners").then().statusCode(401);
    }

    @Test
    void aMalformedGuestIsRefusedNamingEachFieldAndChangesNothing() {
        int before = guestCount();
        api.as(TestTokens.admin()).body("{\"email\": \"not-an-email\", \"homeTenantId\": \"\", \"sponsors\": []}")
                .post("/api/v1/guests").then().statusCode(400)
                .contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("errors.field", equalTo(List.of("email", "homeTenantId", "sponsors")));
        assertEquals(before, guestCount());
    }

    @Test
    void aSignalWithAnUnknownTypeNamesTheField() {
        api.as(TestTokens.signal()).body("{\"type\": \"ACCOUNT_VANISHED\", \"homeTenantId\": \"t\", \"homeSubject\": \"s\", \"occurredAt\": \"2026-11-24T13:00:00Z\"}")
                .post("/api/v1/partner-signals").then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("type"))
                .body("errors[0].message", startsWith("must be one of"));
    }

    @Test
    void aSignalWithoutSubjectOrEmailNamesTheField() {
        api.as(TestTokens.signal()).body("{\"type\": \"ACCOUNT_DISABLED\", \"homeTenantId\": \"t\", \"occurredAt\": \"2026-11-24T13:00:00Z\"}")
                .post("/api/v1/partner-signals").then().statusCode(400).body("errors[0].field", equalTo("homeSubject"));
    }

    @Test
    void brokenJsonIsA400ProblemDocument() {
        api.as(TestTokens.admin()).body("{\"name\": ").post("/api/v1/partners").then().statusCode(400)
                .contentType("application/problem+json").body("title", equalTo("Malformed JSON"));
    }

    @Test
    void aGrantToAnUnknownResourceNamesTheFieldAndChangesNothing() {
        String guest = api.guestWithGrants(List.of(), 0, "sponsor@example.com").id();
        api.as(TestTokens.admin()).body("{\"guestId\": \"" + guest + "\", \"resourceId\": \"" + ANY_ID + "\", \"role\": \"r\", \"justification\": \"j\"}")
                .post("/api/v1/grants").then().statusCode(400).body("errors.field", hasItem("resourceId"));
        assertEquals(List.of(), api.grantStates(guest));
    }

    @Test
    void anUnknownIdIs404AndABadLimitIs400() {
        api.as(TestTokens.admin()).get("/api/v1/guests/" + ANY_ID).then().statusCode(404).contentType("application/problem+json");
        api.as(TestTokens.admin()).queryParam("limit", 501).get("/api/v1/guests").then().statusCode(400).body("errors[0].field", equalTo("limit"));
        // not a number, or past the int range: still a 400 naming the parameter (JAX-RS alone answers 404)
        for (String limit : List.of("abc", "99999999999", "2.5")) {
            for (String path : List.of("/api/v1/guests", "/api/v1/grants", "/api/v1/partners", "/api/v1/resources", "/api/v1/admin/dead-letters")) {
                api.as(TestTokens.admin()).queryParam("limit", limit).get(path).then().statusCode(400)
                        .contentType("application/problem+json").body("errors[0].field", equalTo("limit"));
            }
        }
    }

    @Test
    void revokingARevokedGrantIsAConflict() {
        String resource = api.createResource("Share", "GENERAL", List.of("o@example.com"));
        String guest = api.guestWithGrants(List.of(resource), 1, "sponsor@example.com").id();
        String grant = api.as(TestTokens.admin()).queryParam("guestId", guest).get("/api/v1/grants").then().extract().path("items[0].id");
        api.as(TestTokens.admin()).delete("/api/v1/grants/" + grant).then().statusCode(200).body("revokedReason", equalTo("MANUAL"));
        api.as(TestTokens.admin()).delete("/api/v1/grants/" + grant).then().statusCode(409).contentType("application/problem+json");
    }

    @Test
    void listsArePagedWithACursor() {
        for (int i = 0; i < 3; i++) {
            api.createResource("Paged " + i, "PUBLIC", List.of("pager@example.com"));
        }
        String cursor = api.as(TestTokens.admin()).queryParam("owner", "pager@example.com").queryParam("limit", 2).get("/api/v1/resources")
                .then().statusCode(200).body("items.size()", equalTo(2)).extract().path("nextCursor");
        api.as(TestTokens.admin()).queryParam("owner", "pager@example.com").queryParam("limit", 2).queryParam("cursor", cursor)
                .get("/api/v1/resources").then().statusCode(200).body("items.size()", equalTo(1)).body("nextCursor", equalTo(null));
    }

    @Test
    void aTokenForAnotherAudienceIsUnauthorized() {
        api.as(TestTokens.token("admin", TestTokens.ADMIN, "some-other-api", "portcullis-cli")).get("/api/v1/partners").then().statusCode(401);
    }

    @ParameterizedTest(name = "{0}{1} is a 400 naming {2}")
    @MethodSource("controlCharacterQueries")
    void aControlCharacterInAQueryParameterIsA400NamingIt(String path, String query, String field) {
        // sent as the bytes a client sends: %00 must not be re-encoded by the client
        api.as(TestTokens.admin()).urlEncodingEnabled(false).get(path + query).then().statusCode(400)
                .contentType("application/problem+json").body("errors[0].field", equalTo(field));
    }

    static Stream<Arguments> controlCharacterQueries() {
        return Stream.of(
                Arguments.of("/api/v1/guests", "?q=%00", "q"),
                Arguments.of("/api/v1/guests", "?sponsor=ann%00@example.com", "sponsor"),
                Arguments.of("/api/v1/resources", "?owner=%00", "owner"),
                Arguments.of("/api/v1/grants", "?guestId=%1b", "guestId"),
                Arguments.of("/api/v1/partners", "?state=%7f", "state"));
    }

    @Test
    void aControlCharacterInABodyIsA400NamingTheFieldAndChangesNothing() {
        int before = guestCount();
        api.as(TestTokens.admin()).body("{\"email\": \"nul@example.com\", \"displayName\": \"N\\u0000L\", \"homeTenantId\": \"t\", "
                + "\"sponsors\": [\"s@example.com\"]}").post("/api/v1/guests").then().statusCode(400)
                .contentType("application/problem+json").body("errors[0].field", equalTo("displayName"));
        api.as(TestTokens.admin()).body("{\"email\": \"nul@example.com\", \"homeTenantId\": \"t\", \"sponsors\": [\"s\\u0000@example.com\"]}")
                .post("/api/v1/guests").then().statusCode(400).body("errors[0].field", equalTo("sponsors[0]"));
        assertEquals(before, guestCount());
    }

    @Test
    void anAddressUnderAReservedTopLevelDomainIsAcceptedAndOneWithoutADomainIsNot() {
        api.inviteGuest("pat@contoso.example", "contoso-example", "pat-1", List.of("sponsor@fabrikam.example"));
        api.as(TestTokens.admin()).body("{\"email\": \"pat@localhost\", \"homeTenantId\": \"t\", \"sponsors\": [\"s@example.com\"]}")
                .post("/api/v1/guests").then().statusCode(400).body("errors[0].field", equalTo("email"));
    }

    @Test
    void revokingWithoutABodyWorksAndATooLongReasonIsA400() {
        String resource = api.createResource("Bodiless", "GENERAL", List.of("o@example.com"));
        String guest = api.guestWithGrants(List.of(resource), 2, "sponsor@example.com").id();
        List<String> grants = api.as(TestTokens.admin()).queryParam("guestId", guest).get("/api/v1/grants").then().extract().path("items.id");

        api.as(TestTokens.admin()).body("{\"reason\": \"" + "x".repeat(1001) + "\"}").delete("/api/v1/grants/" + grants.get(0)).then()
                .statusCode(400).body("errors[0].field", equalTo("reason"));
        io.restassured.RestAssured.given().baseUri(baseUrl.toString()).auth().oauth2(TestTokens.admin())
                .delete("/api/v1/grants/" + grants.get(0)).then().statusCode(200).body("state", equalTo("REVOKED"));
        api.as(TestTokens.admin()).body("{\"reason\": \"" + "y".repeat(1000) + "\"}").delete("/api/v1/grants/" + grants.get(1)).then()
                .statusCode(200).body("revocationNote", equalTo("y".repeat(1000)));
    }

    private int guestCount() {
        return api.as(TestTokens.admin()).queryParam("limit", 500).get("/api/v1/guests").then().statusCode(200).extract().path("items.size()");
    }
}

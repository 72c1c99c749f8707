package dev.portcullis.review;

import static dev.portcullis.testsupport.RoleMatrix.endpoint;
import static io.restassured.RestAssured.given;

import dev.portcullis.testsupport.KafkaResource;
import dev.portcullis.testsupport.PostgresResource;
import dev.portcullis.testsupport.RoleMatrix;
import dev.portcullis.testsupport.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Every endpoint of review-service: no token 401, each role outside it 403, each role inside it let through. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
class ReviewApiGuardTest {

    private static final String ANY_ID = UUID.randomUUID().toString();
    private static final String ADMIN = TestTokens.ADMIN;
    private static final String OWNER = TestTokens.OWNER;
    private static final String AUDITOR = TestTokens.AUDITOR;
    private static final String GUEST = TestTokens.GUEST;

    private static final List<RoleMatrix.Endpoint> ENDPOINTS = List.of(
            endpoint("POST", "/api/v1/review-definitions", ADMIN),
            endpoint("GET", "/api/v1/review-definitions", ADMIN, AUDITOR),
            endpoint("GET", "/api/v1/review-definitions/" + ANY_ID, ADMIN, AUDITOR),
            endpoint("POST", "/api/v1/review-definitions/" + ANY_ID + "/campaigns", ADMIN),
            endpoint("GET", "/api/v1/campaigns", ADMIN, AUDITOR),
            endpoint("POST", "/api/v1/campaigns", ADMIN),
            endpoint("GET", "/api/v1/campaigns/" + ANY_ID, ADMIN, AUDITOR),
            endpoint("GET", "/api/v1/campaigns/" + ANY_ID + "/items", ADMIN, AUDITOR),
            endpoint("POST", "/api/v1/campaigns/" + ANY_ID + "/complete", ADMIN),
            endpoint("POST", "/api/v1/campaigns/" + ANY_ID + "/apply", ADMIN),
            endpoint("POST", "/api/v1/campaigns/" + ANY_ID + "/cancel", ADMIN),
            endpoint("GET", "/api/v1/my/review-items", ADMIN, OWNER, GUEST),
            endpoint("GET", "/api/v1/review-items/" + ANY_ID, ADMIN, OWNER, AUDITOR, GUEST),
            endpoint("POST", "/api/v1/review-items/" + ANY_ID + "/decision", ADMIN, OWNER, GUEST),
            endpoint("POST", "/api/v1/access-packages", ADMIN),
            endpoint("GET", "/api/v1/access-packages", ADMIN, AUDITOR, OWNER),
            endpoint("GET", "/api/v1/access-packages/" + ANY_ID, ADMIN, AUDITOR, OWNER),
            endpoint("PUT", "/api/v1/access-packages/" + ANY_ID, ADMIN, OWNER),
            endpoint("GET", "/api/v1/access-packages/" + ANY_ID + "/versions", ADMIN, AUDITOR, OWNER),
            endpoint("POST", "/api/v1/access-requests", ADMIN, OWNER, GUEST),
            endpoint("GET", "/api/v1/access-requests", ADMIN, AUDITOR, OWNER, GUEST),
            endpoint("GET", "/api/v1/access-requests/" + ANY_ID, ADMIN, AUDITOR, OWNER, GUEST),
            endpoint("POST", "/api/v1/access-requests/" + ANY_ID + "/decision", ADMIN, OWNER),
            endpoint("POST", "/api/v1/access-requests/" + ANY_ID + "/cancel", ADMIN, OWNER, GUEST),
            endpoint("GET", "/api/v1/admin/dead-letters", ADMIN),
            endpoint("POST", "/api/v1/admin/dead-letters/redrive", ADMIN),
            endpoint("GET", "/api/v1/admin/outbox/parked", ADMIN),
            endpoint("POST", "/api/v1/admin/outbox/parked/1/retry", ADMIN));

    @TestFactory
    Stream<DynamicTest> everyEndpointWithoutATokenAndWithEachRole() {
        return RoleMatrix.tests(ENDPOINTS);
    }

    /**
     * Nobody is an owner, reviewer or approver by an address they typed in: a token whose email is not verified is refused (403,
     * saying why) wherever the address decides who the caller is; the same person with a verified address is let in.
     */
    @Test
    void anUnverifiedAddressIsNobody() {
        String unverified = TestTokens.withEmail("mallory", TestTokens.OWNER, "owner@example.com", false);
        io.restassured.RestAssured.given().auth().oauth2(unverified).get("/api/v1/my/review-items").then().statusCode(403)
                .contentType("application/problem+json").body("detail", org.hamcrest.Matchers.containsString("is not verified (email_verified)"));
        io.restassured.RestAssured.given().auth().oauth2(unverified).contentType("application/json").body(java.util.Map.of("decision", "APPROVE"))
                .post("/api/v1/review-items/" + java.util.UUID.randomUUID() + "/decision").then().statusCode(403);
        io.restassured.RestAssured.given().auth().oauth2(unverified).contentType("application/json").body(java.util.Map.of("decision", "APPROVE"))
                .post("/api/v1/access-requests/" + java.util.UUID.randomUUID() + "/decision").then().statusCode(403);
        io.restassured.RestAssured.given().auth().oauth2(TestTokens.withEmail("owner", TestTokens.OWNER, "owner@example.com", true))
                .get("/api/v1/my/review-items").then().statusCode(200);
    }

    /** The movable clock is in review-service's test-platform build only (e2e's PlatformGuardTest checks its guard there). */
    @Test
    void theClockCannotBeMovedOutsideATestPlatform() {
        given().auth().oauth2(TestTokens.admin()).contentType("application/json").body("{\"offset\":\"P15D\"}").put("/api/v1/test-clock").then()
                .statusCode(404);
    }

    @Test
    void aBadQueryParameterIsA400NamingIt() {
        given().auth().oauth2(TestTokens.admin()).queryParam("state", "SLEEPING").get("/api/v1/campaigns").then().statusCode(400)
                .contentType("application/problem+json").body("errors[0].field", org.hamcrest.Matchers.equalTo("state"));
        given().auth().oauth2(TestTokens.admin()).queryParam("confirm", "yes").post("/api/v1/campaigns/" + ANY_ID + "/apply").then().statusCode(400)
                .body("errors[0].field", org.hamcrest.Matchers.equalTo("confirm"));
    }
}

package dev.portcullis.e2e;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Keycloak's real tokens against the running services: no token 401, wrong role 403, bad body 400. */
@ExtendWith(Platform.class)
class PlatformGuardTest {

    @Test
    void upShStartingOnePartBesideTheRunningPlatformKeepsEveryInstanceInEndpointsEnv() {
        Platform platform = Platform.get();
        // as a developer would, without --instances: the mail server runs, so up.sh leaves it alone and lists what runs
        java.util.Map<String, String> after = platform.upByHand("mail");
        org.junit.jupiter.api.Assertions.assertEquals(Platform.INSTANCES, after.get("INSTANCES"));
        org.junit.jupiter.api.Assertions.assertEquals(platform.endpoints(), after);
    }

    /**
     * The platform knows people by their verified address, so nobody may change their own at the identity provider: an owner who
     * tries to take the admin's address through Keycloak's account API keeps their own, and their next token says so.
     */
    @Test
    void nobodyChangesTheirOwnAddressAtTheIdentityProvider() {
        Platform platform = Platform.get();
        String realm = platform.endpoint("KEYCLOAK_TOKEN_URL").replaceFirst("/protocol/openid-connect/token$", "");
        String token = platform.userToken("owner");
        java.util.Map<String, Object> profile = given().auth().oauth2(token).accept("application/json").get(realm + "/account").then().statusCode(200)
                .body("email", equalTo("owner@example.com")).extract().as(java.util.Map.class);
        java.util.Map<String, Object> changed = new java.util.HashMap<>(profile);
        changed.put("email", "admin@example.com");
        int status = given().auth().oauth2(token).contentType("application/json").body(changed).post(realm + "/account").then().extract().statusCode();
        given().auth().oauth2(platform.userToken("owner")).accept("application/json").get(realm + "/account").then().statusCode(200)
                .body("email", equalTo("owner@example.com"));
        org.junit.jupiter.api.Assertions.assertTrue(status >= 400, "the change was answered " + status);
    }

    @Test
    void everyServiceRefusesACallWithoutAToken() {
        Platform platform = Platform.get();
        given().get(platform.endpoint("INVENTORY_URL") + "/api/v1/guests").then().statusCode(401);
        given().get(platform.endpoint("REVIEW_URL") + "/api/v1/my/review-items").then().statusCode(401);
        given().get(platform.endpoint("POLICY_URL") + "/api/v1/scenarios").then().statusCode(401);
        given().get(platform.endpoint("NOTIFICATION_URL") + "/api/v1/notifications").then().statusCode(401);
    }

    /** The test platform's movable clock (review-service's test-platform build only) is an admin's alone, as the API is. */
    @Test
    void onlyAnAdminMovesTheTestPlatformsClock() {
        Platform platform = Platform.get();
        String url = platform.endpoint("REVIEW_URL") + "/api/v1/test-clock";
        given().get(url).then().statusCode(401);
        given().contentType("application/json").body("{\"offset\":\"P15D\"}").put(url).then().statusCode(401);
        given().auth().oauth2(platform.userToken("owner")).get(url).then().statusCode(403);
        given().auth().oauth2(platform.userToken("owner")).contentType("application/json").body("{\"offset\":\"P15D\"}").put(url).then()
                .statusCode(403);
        given().auth().oauth2(platform.userToken("admin")).get(url).then().statusCode(200).body("now", org.hamcrest.Matchers.notNullValue());
    }

    @Test
    void everyServiceServesHealthOpenApiAndMetricsWithoutAToken() {
        Platform platform = Platform.get();
        for (String service : java.util.List.of("inventory", "review", "policy", "notification")) {
            String url = platform.urls(service).get(0);
            String management = platform.managementUrls(service).get(0);
            given().get(management + "/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
            given().get(url + "/q/openapi?format=json").then().statusCode(200).body("openapi", org.hamcrest.Matchers.startsWith("3."));
            given().get(management + "/q/metrics").then().statusCode(200).body(org.hamcrest.Matchers.containsString("jvm_memory_used_bytes"));
            // health and metrics are on the management port only, off the API's ingress
            given().get(url + "/q/metrics").then().statusCode(404);
        }
        // a policy-service instance is ready only once it has read the policies: before, it would allow what they deny
        given().get(platform.managementUrls("policy").get(0) + "/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'policies' }.status", equalTo("UP"));
    }

    @Test
    void onlyTheSignalClientMayPostSignalsAndOwnersReadOnlyTheirOwnPartOfTheInventory() {
        Platform platform = Platform.get();
        platform.inventory().as(platform.userToken("admin"))
                .body("{\"type\": \"ACCOUNT_DISABLED\", \"homeTenantId\": \"t\", \"homeSubject\": \"s\", \"occurredAt\": \"" + Instant.now() + "\"}")
                .post("/api/v1/partner-signals").then().statusCode(403).contentType("application/problem+json");
        // an owner reads their own resources, grants and guests (OwnerScopeTest shows which); partners and the audit trail stay the admins'
        String owner = platform.userToken("owner");
        platform.inventory().as(owner).get("/api/v1/resources").then().statusCode(200)
                .body("items.owners", org.hamcrest.Matchers.everyItem(org.hamcrest.Matchers.hasItem("owner@example.com")));
        platform.inventory().as(owner).get("/api/v1/partners").then().statusCode(403);
        platform.inventory().as(owner).get("/api/v1/audit").then().statusCode(403);
        given().auth().oauth2(platform.userToken("owner")).get(platform.endpoint("NOTIFICATION_URL") + "/api/v1/notifications")
                .then().statusCode(403);
        given().auth().oauth2(platform.userToken("owner")).get(platform.endpoint("REVIEW_URL") + "/api/v1/my/review-items")
                .then().statusCode(200).body("items.size()", equalTo(0));
    }

    @Test
    void aMalformedSignalIsA400NamingTheField() {
        Platform platform = Platform.get();
        platform.inventory().as(platform.signalToken())
                .body("{\"type\": \"ACCOUNT_DISABLED\", \"homeTenantId\": \"t\", \"homeSubject\": \"s\", \"occurredAt\": \"last tuesday\"}")
                .post("/api/v1/partner-signals").then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("occurredAt"));
    }
}

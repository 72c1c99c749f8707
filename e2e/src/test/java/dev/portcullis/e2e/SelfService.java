package dev.portcullis.e2e;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import java.util.List;
import java.util.Map;

/**
 * A SELF_SERVICE scenario and its resources: where partners' people request access packages. (A resource
 * in no scenario is IT-governed: only an admin grants it, and a delivered request is refused there.)
 */
final class SelfService {

    private SelfService() {
    }

    static String scenario(Platform platform, String name) {
        return scenario(platform, name, "SELF_SERVICE");
    }

    /** A scenario of the given control model (IT_GOVERNED, DELEGATED, SELF_SERVICE). */
    static String scenario(Platform platform, String name, String controlModel) {
        return given().baseUri(platform.endpoint("POLICY_URL")).auth().oauth2(platform.userToken("admin")).contentType(ContentType.JSON)
                .body(Map.of("name", name, "controlModel", controlModel)).post("/api/v1/scenarios").then().statusCode(201).extract().path("id");
    }

    /** An enforced policy scoped to the scenario: one of its guard rails. */
    static String guardRail(Platform platform, String scenarioId, String name, Map<String, Object> rule) {
        return policy(platform, scenarioId, name, "ENFORCE", rule);
    }

    /** A policy scoped to the scenario, in {@code mode} (ENFORCE, REPORT_ONLY). */
    static String policy(Platform platform, String scenarioId, String name, String mode, Map<String, Object> rule) {
        return given().baseUri(platform.endpoint("POLICY_URL")).auth().oauth2(platform.userToken("admin")).contentType(ContentType.JSON)
                .body(Map.of("name", name, "mode", mode, "scope", Map.of("scenarioIds", List.of(scenarioId)), "rule", rule))
                .post("/api/v1/policies").then().statusCode(201).extract().path("id");
    }

    /**
     * The partner of Keycloak's demo partner user (pat@partner.example), connected: created unless this platform has it already.
     * review-service takes requests from its people once it heard of it (a moment after).
     */
    static void partnerExampleConnected(Platform platform) {
        List<String> partners = platform.inventory().as(platform.userToken("admin")).queryParam("limit", 500).get("/api/v1/partners").then()
                .statusCode(200).extract().path("items.findAll { it.domains.contains('partner.example') }.id");
        if (partners.isEmpty()) {
            platform.inventory().createPartner("partner-example-tenant", "partner.example");
        }
    }

    static String resource(Platform platform, String scenarioId, String name, String sensitivity, String owner) {
        return given().baseUri(platform.endpoint("INVENTORY_URL")).auth().oauth2(platform.userToken("admin")).contentType(ContentType.JSON)
                .body(Map.of("name", name, "type", "APPLICATION", "sensitivity", sensitivity, "scenarioId", scenarioId, "owners", List.of(owner)))
                .post("/api/v1/resources").then().statusCode(201).extract().path("id");
    }
}

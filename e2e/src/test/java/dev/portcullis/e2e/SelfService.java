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
        return given().baseUri(platform.endpoint("POLICY_URL")).auth().oauth2(platform.userToken("admin")).contentType(ContentType.JSON)
                .body(Map.of("name", name, "controlModel", "SELF_SERVICE")).post("/api/v1/scenarios").then().statusCode(201).extract().path("id");
    }

    static String resource(Platform platform, String scenarioId, String name, String sensitivity, String owner) {
        return given().baseUri(platform.endpoint("INVENTORY_URL")).auth().oauth2(platform.userToken("admin")).contentType(ContentType.JSON)
                .body(Map.of("name", name, "type", "APPLICATION", "sensitivity", sensitivity, "scenarioId", scenarioId, "owners", List.of(owner)))
                .post("/api/v1/resources").then().statusCode(201).extract().path("id");
    }
}

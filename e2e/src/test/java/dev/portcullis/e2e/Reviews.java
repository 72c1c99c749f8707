package dev.portcullis.e2e;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** review-service's REST API as the e2e tests call it. */
final class Reviews {

    private Reviews() {
    }

    /** A request to review-service as one of Keycloak's demo users (admin, owner, auditor). */
    static RequestSpecification as(Platform platform, String user) {
        return given().baseUri(platform.endpoint("REVIEW_URL")).auth().oauth2(platform.userToken(user)).contentType(ContentType.JSON);
    }

    /** Starts a campaign of the definition once review-service's read model holds all {@code items} (a campaign started before is cancelled). */
    static String startWhenKnown(Platform platform, String definitionId, int items) {
        return startWhen(platform, definitionId, campaignItems -> campaignItems.size() == items);
    }

    /**
     * Starts a campaign of the definition once its items, as review-service scoped them from its read model of
     * inventory's events, are what {@code ready} expects: a campaign started before that is cancelled and started again.
     */
    static String startWhen(Platform platform, String definitionId, Predicate<List<Map<String, Object>>> ready) {
        return await().atMost(Duration.ofSeconds(20)).until(() -> {
            String id = as(platform, "admin").post("/api/v1/review-definitions/" + definitionId + "/campaigns").then().statusCode(201)
                    .extract().path("id");
            if (ready.test(items(platform, id))) {
                return id;
            }
            as(platform, "admin").post("/api/v1/campaigns/" + id + "/cancel").then().statusCode(200);
            return null;
        }, id -> id != null);
    }

    /** A campaign's items (the first 500), as an admin reads them. */
    static List<Map<String, Object>> items(Platform platform, String campaignId) {
        return as(platform, "admin").queryParam("limit", 500).get("/api/v1/campaigns/" + campaignId + "/items").then().statusCode(200)
                .extract().path("items");
    }
}

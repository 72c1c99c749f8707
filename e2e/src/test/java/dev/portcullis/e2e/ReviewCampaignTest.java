package dev.portcullis.e2e;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portcullis.events.EventJson;
import dev.portcullis.events.EventType;
import dev.portcullis.events.ReviewerAssigned;
import dev.portcullis.events.Topic;
import dev.portcullis.testsupport.InventoryApi;
import dev.portcullis.testsupport.KafkaTestClient;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A review campaign across the processes: review-service scopes it from its read model of inventory's
 * events, a real owner (Keycloak's owner@example.com) decides, the silent owner's item follows the
 * default, inventory revokes what was denied, and review-service sees it and marks the campaign APPLIED.
 */
@ExtendWith(Platform.class)
class ReviewCampaignTest {

    @Test
    void anOwnerKeepsTheirGuestTheSilentOwnersGrantIsRevokedByInventoryAndTheCampaignIsApplied() {
        Platform platform = Platform.get();
        InventoryApi inventory = platform.inventory();
        KafkaTestClient kafka = platform.kafka();
        String run = UUID.randomUUID().toString().substring(0, 8);
        String silentOwner = "silent-" + run + "@corp.example";
        String partner = inventory.createPartner("tenant-" + run, "review-" + run + ".example");
        String crm = inventory.createResource("CRM " + run, "CONFIDENTIAL", List.of("owner@example.com"));
        String erp = inventory.createResource("ERP " + run, "CONFIDENTIAL", List.of(silentOwner));
        String guest = inventory.inviteGuest("pat@review-" + run + ".example", "tenant-" + run, "pat-" + run, List.of("sponsor@example.com"));
        String crmGrant = inventory.grant(guest, crm, "reader");
        String erpGrant = inventory.grant(guest, erp, "reader");

        Map<String, Object> definition = new HashMap<>(Map.of("name", "Quarterly partner review " + run,
                "scope", Map.of("partnerIds", List.of(partner), "minSensitivity", "CONFIDENTIAL"), "reviewers", "RESOURCE_OWNERS",
                "fallbackReviewers", List.of("iam-team@corp.example"), "recurrence", "QUARTERLY", "durationDays", 14,
                "defaultDecision", "DENY", "autoApply", true, "startAt", "2099-01-01T00:00:00Z"));
        String definitionId = review(platform, "admin").body(definition).post("/api/v1/review-definitions").then().statusCode(201).extract().path("id");
        // review-service learns of the grants from Kafka: a campaign started before its read model caught up is cancelled and started again
        String campaign = startWhenKnown(platform, definitionId, 2);

        // one assignment per owner, each with their one item
        Map<String, Integer> assigned = new HashMap<>();
        await().atMost(Duration.ofSeconds(10)).until(() -> kafka.readAll(Topic.REVIEW_CAMPAIGNS.topicName(), r -> campaign.equals(r.key())
                && EventType.REVIEWER_ASSIGNED.ceType().equals(KafkaTestClient.header(r, "ce_type"))), r -> r.size() == 2)
                .forEach(r -> {
                    ReviewerAssigned a = EventJson.read(r.value(), ReviewerAssigned.class);
                    assigned.put(a.reviewer(), a.itemCount());
                });
        assertEquals(Map.of("owner@example.com", 1, silentOwner, 1), assigned);

        // the owner signs in through Keycloak, sees only their item, and keeps the guest
        List<Map<String, Object>> mine = review(platform, "owner").queryParam("campaignId", campaign).get("/api/v1/my/review-items").then()
                .statusCode(200).extract().path("items");
        assertEquals(1, mine.size());
        assertEquals(crmGrant, mine.get(0).get("grantId"));
        review(platform, "owner").body(Map.of("decision", "APPROVE", "justification", "on the CRM project until June"))
                .post("/api/v1/review-items/" + mine.get(0).get("id") + "/decision").then().statusCode(200);

        // the end: the silent owner's item follows defaultDecision (DENY); inventory revokes that grant only
        review(platform, "admin").post("/api/v1/campaigns/" + campaign + "/complete").then().statusCode(200)
                .body("counts.approved", equalTo(1)).body("counts.denied", equalTo(1));
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> inventory.as(platform.userToken("admin")).get("/api/v1/grants/" + erpGrant).then()
                .body("state", equalTo("REVOKED")).body("revokedReason", equalTo("REVIEW_DENIED")));
        inventory.as(platform.userToken("admin")).get("/api/v1/grants/" + crmGrant).then().body("state", equalTo("ACTIVE"));
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> review(platform, "admin").get("/api/v1/campaigns/" + campaign).then()
                .body("state", equalTo("APPLIED")));
    }

    @Test
    void theGuardHoldsACampaignThatWouldRevokeEveryGrantUntilAnAdminConfirmsThenInventoryRevokesThem() {
        Platform platform = Platform.get();
        InventoryApi inventory = platform.inventory();
        String run = UUID.randomUUID().toString().substring(0, 8);
        String partner = inventory.createPartner("tenant-" + run, "guard-" + run + ".example");
        String guest = inventory.inviteGuest("max@guard-" + run + ".example", "tenant-" + run, "max-" + run, List.of("sponsor@example.com"));
        List<String> grants = new java.util.ArrayList<>();
        for (int i = 0; i < 12; i++) {
            grants.add(inventory.grant(guest, inventory.createResource("App " + i + " " + run, "CONFIDENTIAL", List.of("owner@example.com")), "reader"));
        }
        Map<String, Object> definition = new HashMap<>(Map.of("name", "Clean-up " + run, "scope", Map.of("partnerIds", List.of(partner)),
                "reviewers", "RESOURCE_OWNERS", "fallbackReviewers", List.of("iam-team@corp.example"), "recurrence", "ONCE", "durationDays", 7,
                "defaultDecision", "DENY", "autoApply", true));
        String definitionId = review(platform, "admin").body(definition).post("/api/v1/review-definitions").then().statusCode(201).extract().path("id");
        String campaign = startWhenKnown(platform, definitionId, 12);

        // nobody answers: every item would be revoked; the guard holds the campaign and inventory is asked nothing
        review(platform, "admin").post("/api/v1/campaigns/" + campaign + "/complete").then().statusCode(200).body("state", equalTo("COMPLETED"))
                .body("applyHeld", equalTo(true)).body("counts.denied", equalTo(12));
        review(platform, "admin").post("/api/v1/campaigns/" + campaign + "/apply").then().statusCode(409);
        assertEquals(java.util.Collections.nCopies(12, "ACTIVE"), inventory.grantStates(guest));

        // an admin confirms: inventory revokes all twelve and the campaign is APPLIED
        review(platform, "admin").queryParam("confirm", "true").post("/api/v1/campaigns/" + campaign + "/apply").then().statusCode(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> inventory.grantStates(guest), equalTo(java.util.Collections.nCopies(12, "REVOKED")));
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> review(platform, "admin").get("/api/v1/campaigns/" + campaign).then()
                .body("state", equalTo("APPLIED")));
    }

    /** Starts a campaign of the definition once review-service's read model holds all {@code items} (a campaign started before is cancelled). */
    private static String startWhenKnown(Platform platform, String definitionId, int items) {
        return await().atMost(Duration.ofSeconds(20)).until(() -> {
            var started = review(platform, "admin").post("/api/v1/review-definitions/" + definitionId + "/campaigns").then().statusCode(201).extract();
            if ((Integer) started.path("counts.total") == items) {
                return started.<String>path("id");
            }
            review(platform, "admin").post("/api/v1/campaigns/" + started.path("id") + "/cancel").then().statusCode(200);
            return null;
        }, id -> id != null);
    }

    private static RequestSpecification review(Platform platform, String user) {
        return given().baseUri(platform.endpoint("REVIEW_URL")).auth().oauth2(platform.userToken(user)).contentType(ContentType.JSON);
    }
}

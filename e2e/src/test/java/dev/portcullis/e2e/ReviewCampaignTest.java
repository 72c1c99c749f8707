package dev.portcullis.e2e;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.events.EventJson;
import dev.portcullis.events.EventType;
import dev.portcullis.events.ReviewerAssigned;
import dev.portcullis.events.Topic;
import dev.portcullis.testsupport.InventoryApi;
import dev.portcullis.testsupport.KafkaTestClient;
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
        String definitionId = Reviews.as(platform, "admin").body(definition).post("/api/v1/review-definitions").then().statusCode(201).extract().path("id");
        // review-service learns of the grants from Kafka: a campaign started before its read model caught up is cancelled and started again
        String campaign = Reviews.startWhenKnown(platform, definitionId, 2);

        // one assignment per owner, each with their one item, and one digest email each, with the link to the review page
        Map<String, Integer> assigned = new HashMap<>();
        await().atMost(Duration.ofSeconds(10)).until(() -> kafka.readAll(Topic.REVIEW_CAMPAIGNS.topicName(), r -> campaign.equals(r.key())
                && EventType.REVIEWER_ASSIGNED.ceType().equals(KafkaTestClient.header(r, "ce_type"))), r -> r.size() == 2)
                .forEach(r -> {
                    ReviewerAssigned a = EventJson.read(r.value(), ReviewerAssigned.class);
                    assigned.put(a.reviewer(), a.itemCount());
                    assertTrue(a.reviewLink().startsWith(platform.endpoint("REVIEW_URL") + "/reviews?campaign=" + campaign), a.reviewLink());
                });
        assertEquals(Map.of("owner@example.com", 1, silentOwner, 1), assigned);
        for (String owner : List.of("owner@example.com", silentOwner)) {
            List<String> digests = await().atMost(Duration.ofSeconds(30)).until(() -> digests(platform, owner, campaign), d -> d.size() == 1);
            assertTrue(digests.get(0).startsWith("Please review 1 guest access by "), owner + ": " + digests);
        }

        // the owner signs in through Keycloak, sees only their item, and keeps the guest
        List<Map<String, Object>> mine = Reviews.as(platform, "owner").queryParam("campaignId", campaign).get("/api/v1/my/review-items").then()
                .statusCode(200).extract().path("items");
        assertEquals(1, mine.size());
        assertEquals(crmGrant, mine.get(0).get("grantId"));
        Reviews.as(platform, "owner").body(Map.of("decision", "APPROVE", "justification", "on the CRM project until June"))
                .post("/api/v1/review-items/" + mine.get(0).get("id") + "/decision").then().statusCode(200);

        // the other owner stays silent; the clock of review-service moves past the end, and its scheduler completes the
        // campaign: the silent owner's item follows defaultDecision (DENY), and inventory revokes that grant only
        try {
            platform.moveReviewClock(Duration.ofDays(15));
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> Reviews.as(platform, "admin").get("/api/v1/campaigns/" + campaign).then()
                    .body("state", anyOf(equalTo("COMPLETED"), equalTo("APPLIED"))).body("counts.approved", equalTo(1)).body("counts.denied", equalTo(1)));
        } finally {
            platform.moveReviewClock(Duration.ZERO);
        }
        var ended = Reviews.as(platform, "admin").get("/api/v1/campaigns/" + campaign).then().extract();
        assertFalse(java.time.Instant.parse(ended.path("completedAt")).isBefore(java.time.Instant.parse(ended.path("endsAt"))),
                "completed at its end, by review-service's own clock: " + ended.asString());
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> inventory.as(platform.userToken("admin")).get("/api/v1/grants/" + erpGrant).then()
                .body("state", equalTo("REVOKED")).body("revokedReason", equalTo("REVIEW_DENIED")));
        inventory.as(platform.userToken("admin")).get("/api/v1/grants/" + crmGrant).then().body("state", equalTo("ACTIVE"));
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> Reviews.as(platform, "admin").get("/api/v1/campaigns/" + campaign).then()
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
        String definitionId = Reviews.as(platform, "admin").body(definition).post("/api/v1/review-definitions").then().statusCode(201).extract().path("id");
        String campaign = Reviews.startWhenKnown(platform, definitionId, 12);

        // nobody answers: every item would be revoked; the guard holds the campaign and inventory is asked nothing
        Reviews.as(platform, "admin").post("/api/v1/campaigns/" + campaign + "/complete").then().statusCode(200).body("state", equalTo("COMPLETED"))
                .body("applyHeld", equalTo(true)).body("counts.denied", equalTo(12));
        Reviews.as(platform, "admin").post("/api/v1/campaigns/" + campaign + "/apply").then().statusCode(409);
        assertEquals(java.util.Collections.nCopies(12, "ACTIVE"), inventory.grantStates(guest));

        // an admin confirms: inventory revokes all twelve and the campaign is APPLIED
        Reviews.as(platform, "admin").queryParam("confirm", "true").post("/api/v1/campaigns/" + campaign + "/apply").then().statusCode(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> inventory.grantStates(guest), equalTo(java.util.Collections.nCopies(12, "REVOKED")));
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> Reviews.as(platform, "admin").get("/api/v1/campaigns/" + campaign).then()
                .body("state", equalTo("APPLIED")));
    }

    /** The subjects of the review digests a reviewer received for one campaign (their link names it). */
    private static List<String> digests(Platform platform, String reviewer, String campaign) {
        return platform.mails(reviewer).stream().filter(m -> m.subject().startsWith("Please review") && m.text().contains("/reviews?campaign=" + campaign))
                .map(Platform.Mail::subject).toList();
    }
}

package dev.portcullis.review;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portcullis.events.AccessGranted;
import dev.portcullis.events.AccessRevocationRequested;
import dev.portcullis.events.AccessRevoked;
import dev.portcullis.events.CampaignCompleted;
import dev.portcullis.events.CampaignStarted;
import dev.portcullis.events.EventJson;
import dev.portcullis.events.EventType;
import dev.portcullis.events.GuestInvited;
import dev.portcullis.events.GuestSignedIn;
import dev.portcullis.events.ResourceUpserted;
import dev.portcullis.events.ReviewReminderDue;
import dev.portcullis.events.ReviewerAssigned;
import dev.portcullis.events.RevocationReason;
import dev.portcullis.events.Topic;
import dev.portcullis.readmodel.KnownGrant;
import dev.portcullis.readmodel.KnownGuest;
import dev.portcullis.readmodel.KnownResource;
import dev.portcullis.review.service.CampaignJobs;
import dev.portcullis.testsupport.KafkaResource;
import dev.portcullis.testsupport.KafkaTestClient;
import dev.portcullis.testsupport.PostgresResource;
import dev.portcullis.testsupport.TestTokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Campaigns from the definition to the applied outcome, over review-service's own read model (fed
 * through Kafka as inventory would) and real PostgreSQL; the scheduler's steps run at the time the
 * test chooses.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
class CampaignTest {

    private final KafkaTestClient kafka = new KafkaTestClient(KafkaResource.bootstrapServers());

    @Inject
    CampaignJobs jobs;

    @Inject
    javax.sql.DataSource dataSource;

    /** A partner's world as inventory announces it: resources, guests (with their last sign-in) and grants. */
    private final class World {
        final String run = UUID.randomUUID().toString().substring(0, 8);
        final String partner = UUID.randomUUID().toString();
        final List<String> grants = new ArrayList<>();
        final List<String> resources = new ArrayList<>();
        final List<String> guests = new ArrayList<>();
        final List<String> signedIn = new ArrayList<>();

        String resource(String sensitivity, String owner) {
            String id = UUID.randomUUID().toString();
            resources.add(id);
            kafka.publish(new ResourceUpserted(id, "app " + id.substring(0, 6), "APPLICATION", sensitivity, null, List.of(owner), "admin", null));
            return id;
        }

        String guest(String partnerId, List<String> sponsors, int invitedDaysAgo, Integer signedInDaysAgo) {
            String id = UUID.randomUUID().toString();
            guests.add(id);
            kafka.publish(new GuestInvited(id, "g-" + id.substring(0, 6) + "@partner-" + run + ".example", "Guest", partnerId, "t-" + run, "s-" + id,
                    sponsors, Instant.now().minus(Duration.ofDays(invitedDaysAgo)), "admin", "project"));
            if (signedInDaysAgo != null) {
                signedIn.add(id);
                kafka.publish(new GuestSignedIn(id, Instant.now().minus(Duration.ofDays(signedInDaysAgo)), "ACTIVE", true, Instant.now()));
            }
            return id;
        }

        String grant(String guest, String resource) {
            String id = UUID.randomUUID().toString();
            kafka.publish(new AccessGranted(id, guest, resource, "reader", Instant.now(), null, "admin", "project"));
            grants.add(id);
            return id;
        }

        /**
         * Waits until review-service's read model holds every resource, guest (and sign-in) and grant announced: they come on
         * three topics, in no order between them, and a campaign covers only grants whose resource and guest it knows.
         */
        void known() {
            await().atMost(Duration.ofSeconds(20)).until(() -> QuarkusTransaction.requiringNew().call(
                    () -> grants.stream().allMatch(g -> KnownGrant.findById(UUID.fromString(g)) != null)
                            && resources.stream().allMatch(r -> KnownResource.findById(UUID.fromString(r)) != null)
                            && guests.stream().allMatch(g -> KnownGuest.findById(UUID.fromString(g)) != null)
                            && signedIn.stream().allMatch(g -> KnownGuest.<KnownGuest>findById(UUID.fromString(g)).lastSignInAt != null)));
        }
    }

    @Test
    void aCampaignRunsFromItsDefinitionToTheAppliedRevocations() {
        World w = new World();
        String owner1 = "o1-" + w.run + "@corp.example";
        String owner2 = "o2-" + w.run + "@corp.example";
        String crm = w.resource("CONFIDENTIAL", owner1);
        String erp = w.resource("HIGHLY_CONFIDENTIAL", owner2);
        String wiki = w.resource("GENERAL", owner1);
        String active = w.guest(w.partner, List.of("s@corp.example"), 200, 2);
        String idle = w.guest(w.partner, List.of("s@corp.example"), 200, 60);
        String otherPartners = w.guest(UUID.randomUUID().toString(), List.of("s@corp.example"), 200, 2);
        String activeCrm = w.grant(active, crm);
        w.grant(active, wiki); // GENERAL: below the scope's minimum
        String idleCrm = w.grant(idle, crm);
        String idleErp = w.grant(idle, erp);
        w.grant(otherPartners, crm); // another partner: out of scope
        w.known();

        String definition = admin().body(definition(w, "RESOURCE_OWNERS", Map.of("defaultDecision", "RECOMMENDATION", "autoApply", true,
                "justificationRequired", true, "reminderDaysBeforeEnd", List.of(3)))).post("/api/v1/review-definitions").then().statusCode(201)
                .body("durationDays", equalTo(14)).body("recommendInactiveDays", equalTo(30)).extract().path("id");
        String campaign = admin().post("/api/v1/review-definitions/" + definition + "/campaigns").then().statusCode(201)
                .body("state", equalTo("IN_PROGRESS")).body("counts.total", equalTo(3)).extract().path("id");
        Instant endsAt = Instant.parse(admin().get("/api/v1/campaigns/" + campaign).then().extract().path("endsAt"));

        // one digest per reviewer: owner1 reviews the two CRM grants, owner2 the ERP one
        CampaignStarted started = EventJson.read(campaignEvents(campaign, EventType.CAMPAIGN_STARTED, 1).get(0).value(), CampaignStarted.class);
        assertEquals(3, started.itemCount());
        Map<String, Integer> assigned = new HashMap<>();
        campaignEvents(campaign, EventType.REVIEWER_ASSIGNED, 2).forEach(r -> {
            ReviewerAssigned a = EventJson.read(r.value(), ReviewerAssigned.class);
            assigned.put(a.reviewer(), a.itemCount());
            assertEquals(endsAt, a.deadline());
        });
        assertEquals(Map.of(owner1, 2, owner2, 1), assigned);

        // each sees their own items with the recommendation and the facts behind it
        String idleCrmItem = itemOf(owner1, idleCrm);
        String activeCrmItem = itemOf(owner1, activeCrm);
        String idleErpItem = itemOf(owner2, idleErp);
        as(owner1).get("/api/v1/review-items/" + idleCrmItem).then().statusCode(200).body("recommendation", equalTo("DENY"))
                .body("recommendationReason", equalTo("no sign-in for 60 days")).body("sensitivity", equalTo("CONFIDENTIAL"))
                .body("partnerId", equalTo(w.partner));
        as(owner1).get("/api/v1/review-items/" + activeCrmItem).then().body("recommendation", equalTo("APPROVE"))
                .body("recommendationReason", equalTo("signed in 2 days ago"));
        // another reviewer's item does not exist for them, to read or to decide; not even for an admin
        as(owner1).get("/api/v1/review-items/" + idleErpItem).then().statusCode(404);
        as(owner1).body(Map.of("decision", "APPROVE", "justification", "x")).post("/api/v1/review-items/" + idleErpItem + "/decision").then().statusCode(404);
        admin().body(Map.of("decision", "APPROVE", "justification", "x")).post("/api/v1/review-items/" + idleErpItem + "/decision").then().statusCode(404);
        // the definition requires a justification
        as(owner1).body(Map.of("decision", "APPROVE")).post("/api/v1/review-items/" + activeCrmItem + "/decision").then().statusCode(400)
                .body("errors[0].field", equalTo("justification"));
        as(owner1).body(Map.of("decision", "APPROVE", "justification", "works with us daily")).post("/api/v1/review-items/" + activeCrmItem + "/decision")
                .then().statusCode(200).body("decision", equalTo("APPROVE")).body("decidedBy", equalTo(owner1));
        // a decision may change while the campaign runs
        as(owner1).body(Map.of("decision", "APPROVE", "justification", "keep")).post("/api/v1/review-items/" + idleCrmItem + "/decision").then().statusCode(200);
        as(owner1).body(Map.of("decision", "DENY", "justification", "left the project")).post("/api/v1/review-items/" + idleCrmItem + "/decision")
                .then().statusCode(200).body("decision", equalTo("DENY"));
        assertEquals(3, kafka.readAll(Topic.REVIEW_DECISIONS.topicName(), r -> r.value().contains(campaign)).size(), "one event per decision taken");
        as(owner1).get("/api/v1/my/review-items").then().body("items.id", org.hamcrest.Matchers.hasItems(idleCrmItem, activeCrmItem));

        // three days before the end: only owner2 still has something to decide; a second run sends nothing more
        assertEquals(1, jobs.run(endsAt.minus(Duration.ofDays(3))).remindersSent());
        assertEquals(0, jobs.run(endsAt.minus(Duration.ofDays(2))).remindersSent());
        ReviewReminderDue reminder = EventJson.read(campaignEvents(campaign, EventType.REVIEW_REMINDER_DUE, 1).get(0).value(), ReviewReminderDue.class);
        assertEquals(owner2, reminder.reviewer());
        assertEquals(1, reminder.pendingCount());

        // the end: owner2's silence follows the recommendation (DENY); two revocations asked, with the items as their causes
        assertEquals(1, jobs.run(endsAt.plusSeconds(60)).completed());
        admin().get("/api/v1/campaigns/" + campaign).then().body("state", equalTo("COMPLETED")).body("counts.denied", equalTo(2))
                .body("counts.approved", equalTo(1)).body("applyHeld", equalTo(false));
        CampaignCompleted completed = EventJson.read(campaignEvents(campaign, EventType.CAMPAIGN_COMPLETED, 1).get(0).value(), CampaignCompleted.class);
        assertEquals(new CampaignCompleted.Counts(3, 1, 2, 0, 0), completed.counts());
        List<AccessRevocationRequested> requested = await().atMost(Duration.ofSeconds(10)).until(() -> kafka.readAll(Topic.GOVERNANCE_REVOCATIONS.topicName(),
                r -> r.value().contains(idleCrmItem) || r.value().contains(idleErpItem)), r -> r.size() == 2).stream()
                .map(r -> EventJson.read(r.value(), AccessRevocationRequested.class)).toList();
        assertEquals(java.util.Set.of(idleCrm, idleErp), java.util.Set.copyOf(requested.stream().map(AccessRevocationRequested::grantId).toList()));
        requested.forEach(r -> assertEquals(RevocationReason.REVIEW_DENIED, r.reason()));
        // decisions are closed now
        as(owner1).body(Map.of("decision", "APPROVE", "justification", "x")).post("/api/v1/review-items/" + idleCrmItem + "/decision").then().statusCode(409);

        // inventory revokes them: the campaign is APPLIED once both are seen
        Map<String, String> resourceOf = Map.of(idleCrm, crm, idleErp, erp);
        for (AccessRevocationRequested r : requested) {
            kafka.publish(new AccessRevoked(r.grantId(), r.guestId(), resourceOf.get(r.grantId()), "app", List.of(owner1), "reader", RevocationReason.REVIEW_DENIED, r.causeId(),
                    Instant.now(), "review"));
        }
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> admin().get("/api/v1/campaigns/" + campaign).then().body("state", equalTo("APPLIED")));
    }

    @Test
    void anItemWhoseGrantIsRevokedElsewhereClosesAndIsNeverShownAgain() {
        OneItem one = oneItemCampaign();
        String owner = one.owner();
        String crm = one.resource();
        String guest = one.guest();
        String grant = one.grant();
        String campaign = one.campaign();
        String item = one.item();

        kafka.publish(new AccessRevoked(grant, guest, crm, "app", List.of(owner), "reader", RevocationReason.PARTNER_ACCOUNT_DISABLED, "signal-1",
                Instant.now(), "partner:x"));

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> as(owner).get("/api/v1/my/review-items").then().body("items.id",
                org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasItem(item))));
        as(owner).get("/api/v1/review-items/" + item).then().body("state", equalTo("CLOSED")).body("closedReason", equalTo("REVOKED_ELSEWHERE"));
        as(owner).body(Map.of("decision", "DENY")).post("/api/v1/review-items/" + item + "/decision").then().statusCode(409);
        admin().post("/api/v1/campaigns/" + campaign + "/complete").then().statusCode(200).body("counts.revokedElsewhere", equalTo(1));
    }

    @Inject
    jakarta.persistence.EntityManager em;

    /**
     * A stage-1 reviewer's decision waits on the campaign's lock while stage 2 begins (the holder moves the item on and commits):
     * it is refused with 409 and recorded nowhere, not taken as a decision of stage 2.
     */
    @Test
    void aDecisionThatWaitedWhileTheNextStageBeganIsNotRecordedAsThatStages() throws Exception {
        OneItem one = oneItemCampaign();
        String owner = one.owner();
        String campaign = one.campaign();
        String item = one.item();

        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            java.util.concurrent.CountDownLatch locked = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch decisionWaits = new java.util.concurrent.CountDownLatch(1);
            // the next stage beginning: it holds the campaign while it moves the item to its new reviewers
            java.util.concurrent.Future<?> nextStage = threads.submit(() -> QuarkusTransaction.requiringNew().run(() -> {
                em.createNativeQuery("select id from campaign where id = ?1 for update").setParameter(1, UUID.fromString(campaign)).getResultList();
                locked.countDown();
                try {
                    decisionWaits.await(30, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                em.createNativeQuery("update review_item set stage = 2, reviewers = cast(array['stage2-" + one.world().run + "@corp.example'] as varchar[])"
                        + " where id = ?1").setParameter(1, UUID.fromString(item)).executeUpdate();
            }));
            locked.await(10, java.util.concurrent.TimeUnit.SECONDS);
            java.util.concurrent.Future<io.restassured.response.Response> decision = threads.submit(() -> as(owner)
                    .body(Map.of("decision", "APPROVE", "justification", "still needed")).post("/api/v1/review-items/" + item + "/decision"));
            // the decision is waiting on the campaign's lock
            await().atMost(Duration.ofSeconds(10)).until(() -> QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery(
                    "select count(*) from pg_locks where not granted").getSingleResult()).intValue() > 0));
            decisionWaits.countDown();
            nextStage.get(30, java.util.concurrent.TimeUnit.SECONDS);
            decision.get(30, java.util.concurrent.TimeUnit.SECONDS).then().statusCode(409).body("detail",
                    org.hamcrest.Matchers.containsString("moved to stage 2 while this decision waited"));
        } finally {
            threads.shutdownNow();
        }
        admin().get("/api/v1/review-items/" + item).then().statusCode(200).body("stage", equalTo(2)).body("decision", org.hamcrest.Matchers.nullValue());
        admin().post("/api/v1/campaigns/" + campaign + "/cancel").then().statusCode(200); // not the other tests' to complete
    }

    @Test
    void fortyItemsForOneReviewerAreOneAssignmentForThemWithTheCount() {
        World w = new World();
        String owner = "o-" + w.run + "@corp.example";
        List<String> resources = List.of(w.resource("CONFIDENTIAL", owner), w.resource("HIGHLY_CONFIDENTIAL", owner));
        for (int i = 0; i < 20; i++) {
            String guest = w.guest(w.partner, List.of("s@corp.example"), 100, 1);
            resources.forEach(resource -> w.grant(guest, resource));
        }
        w.known();
        String definition = admin().body(definition(w, "RESOURCE_OWNERS", Map.of())).post("/api/v1/review-definitions").then().statusCode(201)
                .extract().path("id");
        String campaign = admin().post("/api/v1/review-definitions/" + definition + "/campaigns").then().statusCode(201)
                .body("counts.total", equalTo(40)).extract().path("id");
        // the SOC's feed tells who defined the review (its campaign has its own record, from campaign-started)
        com.fasterxml.jackson.databind.JsonNode defined = org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> kafka.ocsfRecords(definition), f -> !f.isEmpty()).get(0);
        assertEquals("dev.portcullis.admin.review-definition-created", defined.at("/metadata/event_code").asText());
        assertEquals("RESOURCE_OWNERS", defined.at("/entity/data/reviewers").asText());
        assertEquals(List.of(), dev.portcullis.events.EventSchemas.ocsfViolations(defined));
        // one reviewer-assigned for the owner, naming all 40: notification-service makes one digest of it (ReviewDigestTest)
        List<ReviewerAssigned> assigned = campaignEvents(campaign, EventType.REVIEWER_ASSIGNED, 1).stream()
                .map(r -> EventJson.read(r.value(), ReviewerAssigned.class)).toList();
        assertEquals(1, assigned.size());
        assertEquals(owner, assigned.get(0).reviewer());
        assertEquals(40, assigned.get(0).itemCount());
        as(owner).queryParam("limit", 500).get("/api/v1/my/review-items").then().body("items", hasSize(40));
    }

    @Test
    void inASelfReviewEachGuestAttestsToTheirOwnAccessWithTheirOwnToken() throws Exception {
        World w = new World();
        String crm = w.resource("CONFIDENTIAL", "o-" + w.run + "@corp.example");
        String keeps = w.guest(w.partner, List.of("s@corp.example"), 100, 1);
        String leaves = w.guest(w.partner, List.of("s@corp.example"), 100, 1);
        String keepsGrant = w.grant(keeps, crm);
        String leavesGrant = w.grant(leaves, crm);
        w.known();
        String definition = admin().body(definition(w, "SELF", Map.of("defaultDecision", "NONE"))).post("/api/v1/review-definitions").then()
                .statusCode(201).extract().path("id");
        String campaign = admin().post("/api/v1/review-definitions/" + definition + "/campaigns").then().statusCode(201).extract().path("id");
        String keepsEmail = "g-" + keeps.substring(0, 6) + "@partner-" + w.run + ".example";
        String leavesEmail = "g-" + leaves.substring(0, 6) + "@partner-" + w.run + ".example";

        // each guest sees exactly their own item, and decides it; the other guest's item does not exist for them
        String keepsItem = asGuest(keepsEmail).get("/api/v1/my/review-items").then().statusCode(200).body("items", hasSize(1))
                .body("items[0].grantId", equalTo(keepsGrant)).extract().path("items[0].id");
        String leavesItem = asGuest(leavesEmail).get("/api/v1/my/review-items").then().statusCode(200).body("items", hasSize(1))
                .body("items[0].grantId", equalTo(leavesGrant)).extract().path("items[0].id");
        asGuest(keepsEmail).get("/api/v1/review-items/" + leavesItem).then().statusCode(404);
        asGuest(keepsEmail).body(Map.of("decision", "DENY")).post("/api/v1/review-items/" + leavesItem + "/decision").then().statusCode(404);
        asGuest(keepsEmail).body(Map.of("decision", "APPROVE", "justification", "still on the project")).post("/api/v1/review-items/" + keepsItem
                + "/decision").then().statusCode(200).body("decidedBy", equalTo(keepsEmail));
        asGuest(leavesEmail).body(Map.of("decision", "DENY", "justification", "project over")).post("/api/v1/review-items/" + leavesItem
                + "/decision").then().statusCode(200).body("decision", equalTo("DENY"));
        // a guest reads nothing beyond their own items
        asGuest(keepsEmail).get("/api/v1/campaigns/" + campaign).then().statusCode(403);
        admin().post("/api/v1/campaigns/" + campaign + "/complete").then().statusCode(200).body("counts.approved", equalTo(1))
                .body("counts.denied", equalTo(1));

        // the guest who left is removed: their address leaves every table of review-service (reviewer, decider, events kept), the decision stays
        kafka.publish(new dev.portcullis.events.GuestRemoved(leaves, List.of("s@corp.example"), "ADMIN", null, List.of(), Instant.now(), "admin",
                leavesEmail));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(15)).until(() -> dev.portcullis.testsupport.PersonalDataScan.holding(dataSource,
                leavesEmail), List::isEmpty);
        admin().get("/api/v1/review-items/" + leavesItem).then().statusCode(200).body("decision", equalTo("DENY"))
                .body("decidedBy", equalTo(dev.portcullis.events.GuestRemoved.erasedEmail(leaves)));
        org.junit.jupiter.api.Assertions.assertFalse(dev.portcullis.testsupport.PersonalDataScan.holding(dataSource, keepsEmail).isEmpty(),
                "the other guest is untouched");
    }

    @Test
    void theGuardHoldsACampaignThatWouldRevokeMostOfItsItemsUntilAnAdminConfirms() {
        World w = new World();
        String owner = "o-" + w.run + "@corp.example";
        String guest = w.guest(w.partner, List.of("s@corp.example"), 100, null); // never signed in
        for (int i = 0; i < 12; i++) {
            w.grant(guest, w.resource("CONFIDENTIAL", owner));
        }
        w.known();
        String definition = admin().body(definition(w, "RESOURCE_OWNERS", Map.of("defaultDecision", "DENY", "autoApply", true)))
                .post("/api/v1/review-definitions").then().statusCode(201).extract().path("id");
        String campaign = admin().post("/api/v1/review-definitions/" + definition + "/campaigns").then().statusCode(201).extract().path("id");

        admin().post("/api/v1/campaigns/" + campaign + "/complete").then().statusCode(200).body("state", equalTo("COMPLETED"))
                .body("applyHeld", equalTo(true)).body("applyHeldReason", containsString("revoke 12 of 12 items"));
        admin().post("/api/v1/campaigns/" + campaign + "/apply").then().statusCode(409).body("detail", containsString("confirm=true"));
        assertEquals(0, revocationsOf(w).size(), "nothing asked while held");

        admin().queryParam("confirm", "true").post("/api/v1/campaigns/" + campaign + "/apply").then().statusCode(200).body("applyHeld", equalTo(false));
        await().atMost(Duration.ofSeconds(10)).until(() -> revocationsOf(w).size() == 12);
    }

    @Test
    void twoSchedulersRunningAtOnceStartRemindCompleteAndApplyOnce() throws Exception {
        World w = new World();
        String owner = "o-" + w.run + "@corp.example";
        String grant = w.grant(w.guest(w.partner, List.of("s@corp.example"), 100, 1), w.resource("CONFIDENTIAL", owner));
        w.known();
        Map<String, Object> extra = new HashMap<>(Map.of("startAt", Instant.now().plus(Duration.ofDays(1)).toString(), "reminderDaysBeforeEnd",
                List.of(3), "defaultDecision", "DENY", "autoApply", true));
        String definition = admin().body(definition(w, "RESOURCE_OWNERS", extra)).post("/api/v1/review-definitions").then().statusCode(201)
                .body("nextStartAt", org.hamcrest.Matchers.notNullValue()).extract().path("id");
        Instant due = Instant.now().plus(Duration.ofDays(1)).plusSeconds(60);
        twoSchedulersAt(due);
        String campaign = admin().queryParam("definitionId", definition).get("/api/v1/campaigns").then().body("items", hasSize(1)).extract()
                .path("items[0].id");
        // the next one is due a quarter later
        admin().get("/api/v1/review-definitions/" + definition).then().body("nextStartAt", org.hamcrest.Matchers.startsWith(
                due.atOffset(java.time.ZoneOffset.UTC).plusMonths(3).toLocalDate().toString()));

        // three days before the end, one reminder to the owner, who has not decided
        twoSchedulersAt(due.plus(Duration.ofDays(11)));
        // at its end, two schedulers complete it once (one campaign-completed) and ask inventory once to revoke the silent owner's grant
        Instant end = due.plus(Duration.ofDays(15));
        twoSchedulersAt(end);
        admin().get("/api/v1/campaigns/" + campaign).then().body("state", equalTo("COMPLETED"));
        campaignEvents(campaign, EventType.CAMPAIGN_COMPLETED, 1);
        // a second reminder, completion or request would be in the outbox already (every run returned): each stays one while the relay goes on
        campaignEvents(campaign, EventType.REVIEW_REMINDER_DUE, 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> kafka.readAll(Topic.GOVERNANCE_REVOCATIONS.topicName(), r -> r.value().contains(grant)).size() == 1);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(20)).until(() -> List.of(count(campaign, EventType.CAMPAIGN_STARTED),
                count(campaign, EventType.REVIEW_REMINDER_DUE), count(campaign, EventType.CAMPAIGN_COMPLETED),
                kafka.readAll(Topic.GOVERNANCE_REVOCATIONS.topicName(), r -> r.value().contains(grant)).size()), equalTo(List.of(1, 1, 1, 1)));
    }

    @Test
    void aTwoStageReviewMovesTheChosenItemsToTheSecondStagesReviewersWhoSeeTheFirstDecisionsAndTheLastDecisionIsTheOutcome() throws Exception {
        World w = new World();
        String owner = "o-" + w.run + "@corp.example";
        String auditor = "iam-" + w.run + "@corp.example";
        String crm = w.resource("CONFIDENTIAL", owner);
        String kept = w.grant(w.guest(w.partner, List.of("s@corp.example"), 200, 2), crm);
        String deniedThenKept = w.grant(w.guest(w.partner, List.of("s@corp.example"), 200, 2), crm);
        String deniedTwice = w.grant(w.guest(w.partner, List.of("s@corp.example"), 200, 2), crm);
        String silent = w.grant(w.guest(w.partner, List.of("s@corp.example"), 200, 2), crm);
        w.known();
        // stage 1: the owner, 7 days; stage 2: the IAM team, for what the owner denied or left, 5 days, seeing the owner's decisions
        Map<String, Object> stages = Map.of("durationDays", 7, "defaultDecision", "DENY", "showEarlierDecisions", true, "laterStages",
                List.of(Map.of("reviewers", "NAMED", "namedReviewers", List.of(auditor), "durationDays", 5, "proceed", List.of("DENIED", "NOT_REVIEWED"))));
        String definition = admin().body(definition(w, "RESOURCE_OWNERS", stages)).post("/api/v1/review-definitions").then().statusCode(201)
                .body("laterStages[0].proceed", equalTo(List.of("DENIED", "NOT_REVIEWED"))).extract().path("id");
        String campaign = admin().post("/api/v1/review-definitions/" + definition + "/campaigns").then().statusCode(201).body("stage", equalTo(1))
                .body("stages", equalTo(2)).extract().path("id");
        Instant started = Instant.parse(admin().get("/api/v1/campaigns/" + campaign).then().extract().path("startedAt"));

        as(owner).body(Map.of("decision", "APPROVE")).post("/api/v1/review-items/" + itemOf(owner, kept) + "/decision").then().statusCode(200);
        as(owner).body(Map.of("decision", "DENY", "justification", "project over")).post("/api/v1/review-items/" + itemOf(owner, deniedThenKept)
                + "/decision").then().statusCode(200);
        as(owner).body(Map.of("decision", "DENY")).post("/api/v1/review-items/" + itemOf(owner, deniedTwice) + "/decision").then().statusCode(200);

        // the first stage ends (two schedulers at once: one stage 2): the denied and the silent items go to the IAM team, who is told once
        twoSchedulersAt(started.plus(Duration.ofDays(7)).plusSeconds(60));
        admin().get("/api/v1/campaigns/" + campaign).then().body("state", equalTo("IN_PROGRESS")).body("stage", equalTo(2));
        ReviewerAssigned second = EventJson.read(campaignEvents(campaign, EventType.REVIEWER_ASSIGNED, 2).get(1).value(), ReviewerAssigned.class);
        assertEquals(List.of(auditor, 3, 2), List.of(second.reviewer(), second.itemCount(), second.stage()));
        assertEquals(1, kafka.readAll(Topic.REVIEW_CAMPAIGNS.topicName(), r -> campaign.equals(r.key())
                && EventType.REVIEWER_ASSIGNED.ceType().equals(KafkaTestClient.header(r, "ce_type")) && r.value().contains(auditor)).size());
        List<Map<String, Object>> iam = as(auditor).queryParam("campaignId", campaign).get("/api/v1/my/review-items").then().statusCode(200)
                .body("items", hasSize(3)).extract().path("items");
        Map<String, Object> second1 = iam.stream().filter(i -> deniedThenKept.equals(i.get("grantId"))).findFirst().orElseThrow();
        assertEquals(List.of(Map.of("stage", 1, "reviewers", List.of(owner), "decision", "DENY", "justification", "project over", "decidedBy", owner)),
                ((List<Map<String, Object>>) second1.get("earlierDecisions")).stream().map(e -> {
                    Map<String, Object> m = new HashMap<>(e);
                    m.remove("decidedAt");
                    return m;
                }).toList());
        // the owner's items of stage 1 are no longer theirs to decide; the approved one is settled already
        as(owner).queryParam("campaignId", campaign).get("/api/v1/my/review-items").then().body("items", hasSize(0));
        as(owner).body(Map.of("decision", "APPROVE")).post("/api/v1/review-items/" + second1.get("id") + "/decision").then().statusCode(404);

        // stage 2: the IAM team keeps one the owner denied and confirms the other; the silent one follows the default at the end
        as(auditor).body(Map.of("decision", "APPROVE")).post("/api/v1/review-items/" + second1.get("id") + "/decision").then().statusCode(200);
        as(auditor).body(Map.of("decision", "DENY")).post("/api/v1/review-items/" + itemOf(auditor, deniedTwice) + "/decision").then().statusCode(200);
        twoSchedulersAt(started.plus(Duration.ofDays(12)).plusSeconds(120));
        admin().get("/api/v1/campaigns/" + campaign).then().body("state", equalTo("COMPLETED")).body("counts.total", equalTo(4))
                .body("counts.approved", equalTo(2)).body("counts.denied", equalTo(2));
        Map<String, String> outcomes = new HashMap<>();
        List<Map<String, Object>> items = admin().queryParam("limit", 500).get("/api/v1/campaigns/" + campaign + "/items").then().extract().path("items");
        items.forEach(i -> outcomes.put((String) i.get("grantId"), i.get("outcome") + "@" + i.get("stage")));
        assertEquals(Map.of(kept, "APPROVE@1", deniedThenKept, "APPROVE@2", deniedTwice, "DENY@2", silent, "DENY@2"), outcomes);
    }

    /** Two runs of the campaign jobs at once, as two instances' schedulers would. */
    private List<CampaignJobs.Report> twoSchedulersAt(Instant now) throws Exception {
        CyclicBarrier barrier = new CyclicBarrier(2);
        List<CompletableFuture<CampaignJobs.Report>> runs = List.of(1, 2).stream().map(i -> CompletableFuture.supplyAsync(() -> {
            try {
                barrier.await();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return jobs.run(now);
        })).toList();
        List<CampaignJobs.Report> reports = new ArrayList<>();
        for (CompletableFuture<CampaignJobs.Report> run : runs) {
            reports.add(run.get());
        }
        return reports;
    }

    @Test
    void aDefinitionThatBreaksARuleIsA400NamingTheFieldAndCreatesNothing() {
        World w = new World();
        int before = admin().queryParam("limit", 500).get("/api/v1/review-definitions").then().extract().path("items.size()");
        Map<String, Map<String, Object>> broken = new java.util.LinkedHashMap<>();
        broken.put("durationDays", Map.of("durationDays", 0));
        broken.put("recurrence", Map.of("recurrence", "WEEKLY", "durationDays", 10));
        broken.put("scope.inactiveDays", Map.of("scope", Map.of("inactiveDays", 731)));
        broken.put("namedReviewers", Map.of("reviewers", "NAMED"));
        broken.put("fallbackReviewers", Map.of("fallbackReviewers", List.of()));
        broken.put("reminderDaysBeforeEnd", Map.of("reminderDaysBeforeEnd", List.of(14)));
        broken.put("laterStages[0].durationDays", Map.of("laterStages", List.of(Map.of("reviewers", "SELF", "durationDays", 0))));
        broken.put("laterStages[1].namedReviewers", Map.of("laterStages", List.of(Map.of("reviewers", "SELF", "durationDays", 7),
                Map.of("reviewers", "NAMED", "durationDays", 7))));
        broken.put("laterStages", Map.of("recurrence", "ONCE", "laterStages", List.of(Map.of("reviewers", "SELF", "durationDays", 170))));
        broken.put("laterStages[0].proceed", Map.of("laterStages", List.of(Map.of("reviewers", "SELF", "durationDays", 7,
                "proceed", List.of("ALL", "DENIED")))));
        broken.forEach((field, change) -> {
            Map<String, Object> body = new HashMap<>(definition(w, "RESOURCE_OWNERS", Map.of()));
            body.putAll(change);
            admin().body(body).post("/api/v1/review-definitions").then().statusCode(400).contentType("application/problem+json")
                    .body("errors[0].field", equalTo(field));
        });
        admin().queryParam("limit", 500).get("/api/v1/review-definitions").then().body("items.size()", equalTo(before));
    }

    /**
     * One call, as the posture's recommendations act: a one-off review defined and its campaign started together; a recurring one,
     * or one with a later start, is a 400 naming the field, and neither a definition nor a campaign is left behind.
     */
    @Test
    void aOneOffReviewIsDefinedAndStartedInOneCallAndARecurringOneIsRefusedThere() {
        World w = new World();
        String owner = "o-" + w.run + "@corp.example";
        String guest = w.guest(w.partner, List.of("s@corp.example"), 100, 1);
        w.grant(guest, w.resource("HIGHLY_CONFIDENTIAL", owner));
        w.known();
        int definitions = admin().queryParam("limit", 500).get("/api/v1/review-definitions").then().extract().path("items.size()");
        int campaigns = admin().queryParam("limit", 500).get("/api/v1/campaigns").then().extract().path("items.size()");
        admin().body(definition(w, "RESOURCE_OWNERS", Map.of())).post("/api/v1/campaigns").then().statusCode(400)
                .body("errors[0].field", equalTo("recurrence"));
        admin().body(definition(w, "RESOURCE_OWNERS", Map.of("recurrence", "ONCE", "startAt", "2030-01-01T00:00:00Z")))
                .post("/api/v1/campaigns").then().statusCode(400).body("errors[0].field", equalTo("startAt"));
        admin().body(definition(w, "RESOURCE_OWNERS", Map.of("recurrence", "ONCE", "fallbackReviewers", List.of())))
                .post("/api/v1/campaigns").then().statusCode(400).body("errors[0].field", equalTo("fallbackReviewers"));
        admin().queryParam("limit", 500).get("/api/v1/review-definitions").then().body("items.size()", equalTo(definitions));
        admin().queryParam("limit", 500).get("/api/v1/campaigns").then().body("items.size()", equalTo(campaigns));

        io.restassured.response.ValidatableResponse started = admin().body(definition(w, "RESOURCE_OWNERS", Map.of("recurrence", "ONCE")))
                .post("/api/v1/campaigns").then().statusCode(201).body("state", equalTo("IN_PROGRESS")).body("counts.total", equalTo(1));
        String campaign = started.extract().path("id");
        String definition = started.extract().path("definitionId");
        started.header("Location", org.hamcrest.Matchers.endsWith("/api/v1/campaigns/" + campaign));
        admin().get("/api/v1/review-definitions/" + definition).then().statusCode(200).body("recurrence", equalTo("ONCE"))
                .body("nextStartAt", org.hamcrest.Matchers.nullValue());
        as(owner).get("/api/v1/my/review-items").then().body("items.campaignId", equalTo(List.of(campaign)));
        admin().post("/api/v1/campaigns/" + campaign + "/cancel").then().statusCode(200);
    }

    private Map<String, Object> definition(World w, String reviewers, Map<String, Object> extra) {
        Map<String, Object> body = new HashMap<>(Map.of("name", "Partner review " + w.run, "scope", Map.of("partnerIds", List.of(w.partner),
                "minSensitivity", "CONFIDENTIAL"), "reviewers", reviewers, "fallbackReviewers", List.of("fallback@corp.example"),
                "recurrence", "QUARTERLY", "durationDays", 14));
        body.putAll(extra);
        return body;
    }

    /** A campaign of one item: a guest's grant of a CONFIDENTIAL resource, which its owner reviews. */
    private record OneItem(World world, String owner, String resource, String guest, String grant, String campaign, String item) {
    }

    private OneItem oneItemCampaign() {
        World w = new World();
        String owner = "o-" + w.run + "@corp.example";
        String crm = w.resource("CONFIDENTIAL", owner);
        String guest = w.guest(w.partner, List.of("s@corp.example"), 100, 1);
        String grant = w.grant(guest, crm);
        w.known();
        String definition = admin().body(definition(w, "RESOURCE_OWNERS", Map.of())).post("/api/v1/review-definitions").then().statusCode(201)
                .extract().path("id");
        String campaign = admin().post("/api/v1/review-definitions/" + definition + "/campaigns").then().statusCode(201).extract().path("id");
        return new OneItem(w, owner, crm, guest, grant, campaign, itemOf(owner, grant));
    }

    private String itemOf(String reviewer, String grantId) {
        return as(reviewer).queryParam("limit", 500).get("/api/v1/my/review-items").then().statusCode(200).extract()
                .path("items.find { it.grantId == '" + grantId + "' }.id");
    }

    private List<ConsumerRecord<String, String>> campaignEvents(String campaign, EventType type, int count) {
        return await().atMost(Duration.ofSeconds(10)).until(() -> kafka.readAll(Topic.REVIEW_CAMPAIGNS.topicName(),
                r -> campaign.equals(r.key()) && type.ceType().equals(KafkaTestClient.header(r, "ce_type"))), r -> r.size() >= count);
    }

    private int count(String campaign, EventType type) {
        return kafka.readAll(Topic.REVIEW_CAMPAIGNS.topicName(), r -> campaign.equals(r.key()) && type.ceType().equals(KafkaTestClient.header(r, "ce_type")))
                .size();
    }

    private List<ConsumerRecord<String, String>> revocationsOf(World w) {
        return kafka.readAll(Topic.GOVERNANCE_REVOCATIONS.topicName(), r -> w.grants.stream().anyMatch(g -> r.value().contains(g)));
    }

    private RequestSpecification admin() {
        return given().auth().oauth2(TestTokens.admin()).contentType(ContentType.JSON);
    }

    private RequestSpecification asGuest(String email) {
        return given().auth().oauth2(TestTokens.guest(email)).contentType(ContentType.JSON);
    }

    private RequestSpecification as(String email) {
        return given().auth().oauth2(TestTokens.owner(email)).contentType(ContentType.JSON);
    }
}

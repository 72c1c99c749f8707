package dev.portcullis.e2e;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.events.AccessGranted;
import dev.portcullis.events.EventJson;
import dev.portcullis.events.EventType;
import dev.portcullis.events.Topic;
import dev.portcullis.testsupport.InventoryApi;
import dev.portcullis.testsupport.KafkaTestClient;
import dev.portcullis.testsupport.RequestSteps;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The access-request scenario on the running platform: a package of two resources with two
 * approval stages; Keycloak's demo partner user (pat@partner.example, a guest here) asks for it with
 * their own token; the resource owner approves, the second stage denies, and nothing is granted; a
 * second request is approved by both, inventory-service delivers it through the policies, and the guest
 * holds both grants until the package's end. The SOC reads the whole chain on Kafka, in order.
 */
@ExtendWith(Platform.class)
class AccessRequestFlowTest {

    private static final String PARTNER_USER = "pat@partner.example";
    private static final String OWNER = "owner@example.com";
    private static final String SECURITY = "admin@example.com";

    @Test
    void theSecondStageDeniesThenBothApproveAndTheGuestHoldsBothGrantsUntilThePackagesEndWithTheChainOnKafkaInOrder() {
        Platform platform = Platform.get();
        InventoryApi inventory = platform.inventory();
        String run = UUID.randomUUID().toString().substring(0, 8);
        String guestId = partnerUserAsGuest(platform, inventory);
        // a self-service scenario: partners' people request, and the approvals are the owners' consent the scenario demands
        String scenario = SelfService.scenario(platform, "Falcon self-service " + run);
        List<String> resources = List.of(SelfService.resource(platform, scenario, "CRM " + run, "CONFIDENTIAL", OWNER),
                SelfService.resource(platform, scenario, "Wiki " + run, "GENERAL", OWNER));
        Map<String, Object> pkg = Map.of("name", "Falcon " + run, "scenarioId", scenario, "owners", List.of(OWNER),
                "resources", List.of(Map.of("resourceId", resources.get(0), "role", "reader"), Map.of("resourceId", resources.get(1), "role", "editor")),
                "requestPolicy", Map.of("who", Map.of("type", "CONNECTED_PARTNERS"), "lifetimeDays", 30,
                        "approvalStages", List.of(Map.of("approvers", "RESOURCE_OWNERS", "fallbackApprovers", List.of(SECURITY), "deadlineDays", 7),
                                Map.of("approvers", "NAMED", "namedApprovers", List.of(SECURITY), "deadlineDays", 3, "justificationRequired", true))));
        // review-service takes the package once its read model holds both resources (inventory announced them a moment ago)
        String packageId = await().atMost(Duration.ofSeconds(20)).until(() -> Reviews.as(platform, "admin").body(pkg)
                .post("/api/v1/access-packages").then().extract(), r -> r.statusCode() == 201).path("id");

        String denied = request(platform, packageId, guestId);
        decide(platform, "owner", denied, "APPROVE", null).then().statusCode(200).body("stage", equalTo(2));
        decide(platform, "admin", denied, "DENY", "no NDA on file").then().statusCode(200).body("state", equalTo("DENIED"));

        String approved = request(platform, packageId, guestId);
        decide(platform, "owner", approved, "APPROVE", null).then().statusCode(200);
        String expiresAt = decide(platform, "admin", approved, "APPROVE", "NDA signed").then().statusCode(200).body("state", equalTo("APPROVED"))
                .extract().path("expiresAt");
        await().atMost(Duration.ofSeconds(30)).until(() -> Reviews.as(platform, "partner").get("/api/v1/access-requests/" + approved).then()
                .statusCode(200).extract().path("state"), equalTo("DELIVERED"));

        // the guest holds both grants, until the package's end; the denied request granted nothing
        List<Map<String, Object>> grants = inventory.as(platform.userToken("admin")).queryParam("guestId", guestId).queryParam("limit", 500)
                .get("/api/v1/grants").then().statusCode(200).extract().path("items");
        List<Map<String, Object>> delivered = grants.stream().filter(g -> String.valueOf(g.get("justification")).contains(approved)).toList();
        assertEquals(resources.stream().sorted().toList(), delivered.stream().map(g -> (String) g.get("resourceId")).sorted().toList());
        assertTrue(delivered.stream().allMatch(g -> "ACTIVE".equals(g.get("state")) && Instant.parse(expiresAt).equals(Instant.parse((String) g.get("expiresAt")))),
                delivered.toString());
        assertTrue(grants.stream().noneMatch(g -> String.valueOf(g.get("justification")).contains(denied)), grants.toString());

        // the SOC's view: the requests' events on review.requests (one partition: keyed by the guest), the grants on inventory.access
        KafkaTestClient kafka = platform.kafka();
        assertEquals(List.of("access-request-submitted", "approval-requested " + OWNER, "access-request-decided APPROVE PENDING_APPROVAL",
                "approval-requested " + SECURITY, "access-request-decided DENY DENIED"), steps(kafka, denied, 5));
        List<ConsumerRecord<String, String>> chain = await().atMost(Duration.ofSeconds(20)).until(() -> RequestSteps.of(kafka, approved), r -> r.size() == 7);
        assertEquals(List.of("access-request-submitted", "approval-requested " + OWNER, "access-request-decided APPROVE PENDING_APPROVAL",
                "approval-requested " + SECURITY, "access-request-decided APPROVE APPROVED", "access-request-approved", "access-request-delivered"),
                chain.stream().map(RequestSteps::step).toList());
        assertTrue(chain.stream().allMatch(r -> guestId.equals(r.key())), "every event of the request keyed by the guest");
        List<ConsumerRecord<String, String>> granted = kafka.readAll(Topic.INVENTORY_ACCESS.topicName(), r -> guestId.equals(r.key())
                && EventType.ACCESS_GRANTED.ceType().equals(KafkaTestClient.header(r, "ce_type")) && r.value().contains(approved));
        assertEquals(2, granted.size());
        long approvedAt = chain.get(5).timestamp();
        long deliveredAt = chain.get(6).timestamp();
        for (ConsumerRecord<String, String> grant : granted) {
            AccessGranted g = EventJson.read(grant.value(), AccessGranted.class);
            assertEquals(approved, g.requestId());
            assertEquals(Instant.parse(expiresAt), g.expiresAt());
            assertTrue(approvedAt <= grant.timestamp() && grant.timestamp() <= deliveredAt, "the grants come between the approval and the delivery");
        }
    }

    /**
     * A delegated scenario (only an admin or a resource's owner grants), a package an admin made and its owner added a resource to,
     * and two stages: the package's owner, then a named approver who owns nothing (a security team's address). Delivery acts with
     * the package's authority (each resource as its offerer offered it), not the last approver's: the request is DELIVERED, and the
     * audit trail names both approvers.
     */
    @Test
    void aTwoStageRequestWhoseLastApproverOwnsNothingIsDeliveredWithThePackagesAuthority() {
        Platform platform = Platform.get();
        InventoryApi inventory = platform.inventory();
        String run = UUID.randomUUID().toString().substring(0, 8);
        String guestId = partnerUserAsGuest(platform, inventory);
        String scenario = SelfService.scenario(platform, "Osprey delegated " + run, "DELEGATED");
        String crm = SelfService.resource(platform, scenario, "CRM " + run, "CONFIDENTIAL", OWNER);
        String wiki = SelfService.resource(platform, scenario, "Wiki " + run, "GENERAL", OWNER);
        Map<String, Object> pkg = new java.util.HashMap<>(Map.of("name", "Osprey " + run, "scenarioId", scenario, "owners", List.of(OWNER),
                "resources", List.of(Map.of("resourceId", crm, "role", "reader")),
                "requestPolicy", Map.of("who", Map.of("type", "CONNECTED_PARTNERS"), "lifetimeDays", 30,
                        "approvalStages", List.of(Map.of("approvers", "PACKAGE_OWNERS", "deadlineDays", 7),
                                Map.of("approvers", "NAMED", "namedApprovers", List.of(SECURITY), "deadlineDays", 3)))));
        String packageId = await().atMost(Duration.ofSeconds(20)).until(() -> Reviews.as(platform, "admin").body(pkg)
                .post("/api/v1/access-packages").then().extract(), r -> r.statusCode() == 201).path("id");
        // the package's owner adds their own wiki: offered by them, as an owner of it
        pkg.put("resources", List.of(Map.of("resourceId", crm, "role", "reader"), Map.of("resourceId", wiki, "role", "reader")));
        // (once review-service's read model holds the wiki, announced a moment ago: until then the change is a 400 naming it)
        var changed = await().atMost(Duration.ofSeconds(20)).until(() -> Reviews.as(platform, "owner").body(pkg)
                .put("/api/v1/access-packages/" + packageId).then().extract(), r -> r.statusCode() != 400);
        assertEquals(200, changed.statusCode(), changed.asString());
        assertEquals(List.of("ADMIN", "OWNER"), changed.path("resources.offeredAs"));

        String requestId = request(platform, packageId, guestId);
        decide(platform, "owner", requestId, "APPROVE", null).then().statusCode(200).body("stage", equalTo(2));
        decide(platform, "admin", requestId, "APPROVE", "security review done").then().statusCode(200).body("state", equalTo("APPROVED"));
        var delivered = await().atMost(Duration.ofSeconds(30)).until(() -> Reviews.as(platform, "partner").get("/api/v1/access-requests/" + requestId)
                .then().statusCode(200).extract(), r -> !"APPROVED".equals(r.path("state")));
        assertEquals("DELIVERED", delivered.path("state"), delivered.asString());

        List<String> granted = inventory.as(platform.userToken("admin")).queryParam("guestId", guestId).queryParam("limit", 500).get("/api/v1/grants")
                .then().statusCode(200).extract().path("items.findAll { it.justification.contains('" + requestId + "') }.resourceId");
        assertEquals(List.of(crm, wiki).stream().sorted().toList(), granted.stream().sorted().toList());
        inventory.as(platform.userToken("admin")).queryParam("guestId", guestId).queryParam("limit", 500).get("/api/v1/audit").then().statusCode(200)
                .body("items.find { it.action == 'ACCESS_REQUEST_DELIVERED' && it.cause == '" + requestId + "' }.details.approvers",
                        equalTo(List.of(OWNER, SECURITY)));
    }

    /**
     * policy-service is down for two minutes (both instances) when a request is approved: delivery cannot ask the policies, and
     * waits, in order, as long as it takes (an unavailable dependency comes back; it was given up after a minute and the approval
     * dead-lettered, never delivered). Once policy-service is back, the request is DELIVERED.
     */
    @Test
    void anApprovalMadeWhilePolicyServiceIsDownIsDeliveredWhenItIsBack() throws Exception {
        Platform platform = Platform.get();
        InventoryApi inventory = platform.inventory();
        String run = UUID.randomUUID().toString().substring(0, 8);
        String guestId = partnerUserAsGuest(platform, inventory);
        String scenario = SelfService.scenario(platform, "Plover " + run);
        String wiki = SelfService.resource(platform, scenario, "Wiki " + run, "GENERAL", OWNER);
        String packageId = await().atMost(Duration.ofSeconds(20)).until(() -> Reviews.as(platform, "admin").body(heron("Plover " + run, scenario,
                List.of(wiki), 30)).post("/api/v1/access-packages").then().extract(), r -> r.statusCode() == 201).path("id");
        String requestId = request(platform, packageId, guestId);

        String[] retriedApprovals = {"topic=\"" + Topic.REVIEW_REQUESTS.topicName() + "\"", "kind=\"transient\""};
        double retriesBefore = platform.counter("inventory", "portcullis_inbox_retries_total", retriedApprovals);
        platform.stop("policy");
        try {
            decide(platform, "owner", requestId, "APPROVE", null).then().statusCode(200).body("state", equalTo("APPROVED"));
            // inventory takes the approval and cannot deliver it: it retries, as for a failure that will pass
            await().atMost(Duration.ofSeconds(30)).until(() -> platform.counter("inventory", "portcullis_inbox_retries_total", retriedApprovals),
                    retries -> retries > retriesBefore);
            // the outage itself, nothing to await while it lasts: longer than the inboxes retry a failure of unknown kind, so an
            // outage taken for a bug would have dead-lettered the approval
            Thread.sleep(Platform.UNKNOWN_FAILURE_RETRY.plusSeconds(10).toMillis());
            Reviews.as(platform, "partner").get("/api/v1/access-requests/" + requestId).then().statusCode(200).body("state", equalTo("APPROVED"));
        } finally {
            platform.start("policy");
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> Reviews.as(platform, "partner").get("/api/v1/access-requests/" + requestId).then()
                .statusCode(200).extract().path("state"), equalTo("DELIVERED"));
        assertEquals(List.of(), platform.kafka().readAll(Topic.REVIEW_REQUESTS.deadLetterTopicName()), "nothing dead-lettered");
    }

    /**
     * Before review-service saves a package, policy-service weighs it against its scenario's guard rails: a package
     * reaching above the sensitivity ceiling, or living longer than the maximum duration, is a 422 with both
     * policies' reasons, and nothing is saved; a change that would break them leaves the package as it was.
     */
    @Test
    void aPackageBeyondItsScenariosGuardRailsIsRefusedWithThePoliciesReasonsAndNothingIsSaved() {
        Platform platform = Platform.get();
        String run = UUID.randomUUID().toString().substring(0, 8);
        String scenario = SelfService.scenario(platform, "Heron self-service " + run);
        String ceiling = SelfService.guardRail(platform, scenario, "Nothing above GENERAL " + run,
                Map.of("type", "SENSITIVITY_CEILING", "maxSensitivity", "GENERAL"));
        String longest = SelfService.guardRail(platform, scenario, "30 days at most " + run, Map.of("type", "MAX_GRANT_DURATION", "maxDuration", "P30D"));
        String crm = SelfService.resource(platform, scenario, "CRM " + run, "CONFIDENTIAL", OWNER);
        String wiki = SelfService.resource(platform, scenario, "Wiki " + run, "GENERAL", OWNER);
        String name = "Heron " + run;

        var refused = await().atMost(Duration.ofSeconds(20)).until(() -> Reviews.as(platform, "admin").body(heron(name, scenario, List.of(crm, wiki), 60))
                .post("/api/v1/access-packages").then().extract(), r -> r.statusCode() != 400);
        assertEquals(422, refused.statusCode(), refused.asString());
        assertEquals("application/problem+json", refused.contentType());
        // both policies refuse it, each with its reason (in the policies' order, not the order they were made in)
        assertEquals(java.util.Set.of(ceiling, longest), java.util.Set.copyOf(refused.<List<String>>path("reasons.policyId")));
        assertEquals("the package gives access to a CONFIDENTIAL resource, above the ceiling of GENERAL",
                refused.path("reasons.find { it.rule == 'SENSITIVITY_CEILING' }.message"));
        assertTrue(refused.<String>path("reasons.find { it.rule == 'MAX_GRANT_DURATION' }.message").contains("at most P30D"), refused.asString());
        List<String> saved = Reviews.as(platform, "admin").queryParam("limit", 500).get("/api/v1/access-packages").then().statusCode(200)
                .extract().path("items.name");
        assertTrue(!saved.contains(name), "nothing saved: " + saved);

        String packageId = Reviews.as(platform, "admin").body(heron(name, scenario, List.of(wiki), 30)).post("/api/v1/access-packages").then()
                .statusCode(201).extract().path("id");
        Reviews.as(platform, "admin").body(heron(name, scenario, List.of(wiki), 90)).put("/api/v1/access-packages/" + packageId).then()
                .statusCode(422).body("reasons.policyId", org.hamcrest.Matchers.contains(longest));
        Reviews.as(platform, "admin").get("/api/v1/access-packages/" + packageId).then().statusCode(200).body("version", equalTo(1))
                .body("requestPolicy.lifetimeDays", equalTo(30));
    }

    private static Map<String, Object> heron(String name, String scenario, List<String> resources, int lifetimeDays) {
        return Map.of("name", name, "scenarioId", scenario, "owners", List.of(OWNER),
                "resources", resources.stream().map(r -> Map.of("resourceId", r, "role", "reader")).toList(),
                "requestPolicy", Map.of("who", Map.of("type", "CONNECTED_PARTNERS"), "lifetimeDays", lifetimeDays,
                        "approvalStages", List.of(Map.of("approvers", "PACKAGE_OWNERS", "deadlineDays", 7))));
    }

    /** pat@partner.example, Keycloak's demo partner user, as a guest of a connected partner (this platform may have made them one already). */
    private static String partnerUserAsGuest(Platform platform, InventoryApi inventory) {
        String admin = platform.userToken("admin");
        SelfService.partnerExampleConnected(platform);
        List<String> guests = inventory.as(admin).queryParam("q", PARTNER_USER).get("/api/v1/guests").then().statusCode(200).extract().path("items.id");
        return guests.isEmpty() ? inventory.inviteGuest(PARTNER_USER, "partner-example-tenant", "pat", List.of(OWNER)) : guests.get(0);
    }

    /**
     * The partner user asks for the package with their own token, once review-service knows them as a guest of a connected partner
     * (a request made before it heard of the partner is refused; one made before it heard of the guest is cancelled and made again).
     */
    private static String request(Platform platform, String packageId, String guestId) {
        return await().atMost(Duration.ofSeconds(20)).until(() -> {
            var response = Reviews.as(platform, "partner").body(Map.of("packageId", packageId, "justification", "Falcon kick-off"))
                    .post("/api/v1/access-requests").then().extract();
            if (response.statusCode() != 201) {
                return null;
            }
            if (guestId.equals(response.path("guestId"))) {
                return response.<String>path("id");
            }
            Reviews.as(platform, "partner").post("/api/v1/access-requests/" + response.path("id") + "/cancel").then().statusCode(200);
            return null;
        }, id -> id != null);
    }

    private static io.restassured.response.Response decide(Platform platform, String user, String requestId, String decision, String why) {
        Map<String, Object> body = why == null ? Map.of("decision", decision) : Map.of("decision", decision, "justification", why);
        return Reviews.as(platform, user).body(body).post("/api/v1/access-requests/" + requestId + "/decision");
    }

    private static List<String> steps(KafkaTestClient kafka, String requestId, int count) {
        return await().atMost(Duration.ofSeconds(20)).until(() -> RequestSteps.of(kafka, requestId), r -> r.size() >= count).stream()
                .map(RequestSteps::step).toList();
    }
}

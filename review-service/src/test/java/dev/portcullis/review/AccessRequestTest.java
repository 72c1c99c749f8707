package dev.portcullis.review;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.events.AccessGranted;
import dev.portcullis.events.AccessRequestApproved;
import dev.portcullis.events.AccessRequestDelivered;
import dev.portcullis.events.AccessRequestRefused;
import dev.portcullis.events.AccessRequestDecided;
import dev.portcullis.events.ApprovalRequested;
import dev.portcullis.events.EventJson;
import dev.portcullis.events.GuestBlocked;
import dev.portcullis.events.GuestInvited;
import dev.portcullis.events.PartnerUpserted;
import dev.portcullis.events.ResourceUpserted;
import dev.portcullis.readmodel.KnownGuest;
import dev.portcullis.readmodel.KnownPartner;
import dev.portcullis.readmodel.KnownResource;
import dev.portcullis.review.service.CampaignJobs;
import dev.portcullis.testsupport.KafkaResource;
import dev.portcullis.testsupport.KafkaTestClient;
import dev.portcullis.testsupport.PostgresResource;
import dev.portcullis.testsupport.RequestSteps;
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
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Access requests in review-service: who may ask for a package, who decides each stage and what the
 * others meet, what a deadline does, and what is announced on review.requests, in order. Guests,
 * partners and resources come as inventory announces them, on Kafka.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
class AccessRequestTest {

    private static final Duration KNOWN = Duration.ofSeconds(20);

    private final KafkaTestClient kafka = new KafkaTestClient(KafkaResource.bootstrapServers());
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String packageOwner = "pkg-owner-" + run + "@corp.example";
    private final String resourceOwner = "res-owner-" + run + "@corp.example";
    private final String security = "security-" + run + "@corp.example";
    private final String sponsor = "sponsor-" + run + "@corp.example";

    @Inject
    CampaignJobs jobs;

    @Test
    void twoStagesTheSecondDeniesThenASecondRequestIsApprovedByBothAndEveryStepIsAnnouncedInOrder() {
        String partner = partner("CONNECTED");
        String guest = guest(partner);
        String pkg = pkg(Map.of("who", Map.of("type", "CONNECTED_PARTNERS"), "lifetimeDays", 30,
                "approvalStages", List.of(Map.of("approvers", "RESOURCE_OWNERS", "fallbackApprovers", List.of(security), "deadlineDays", 7),
                        Map.of("approvers", "NAMED", "namedApprovers", List.of(security), "deadlineDays", 3, "justificationRequired", true)),
                "questions", List.of(Map.of("id", "project", "text", "Which project?"))), resource(), resource());

        String first = asGuest(guest).body(Map.of("packageId", pkg, "justification", "Falcon kick-off", "answers", Map.of("project", "Falcon")))
                .post("/api/v1/access-requests").then().statusCode(201).body("state", equalTo("PENDING_APPROVAL")).body("stage", equalTo(1))
                .body("approvers", equalTo(List.of(resourceOwner))).body("answers[0].question", equalTo("Which project?"))
                .body("answers[0].answer", equalTo("Falcon")).body("sponsors", equalTo(List.of(sponsor))).extract().path("id");

        // the second stage's approver cannot decide the first stage, nor can an admin: the request does not exist for them
        decide(first, security, "APPROVE", null).then().statusCode(404);
        given().auth().oauth2(TestTokens.admin()).contentType(ContentType.JSON).body(Map.of("decision", "APPROVE"))
                .post("/api/v1/access-requests/" + first + "/decision").then().statusCode(404);
        decide(first, resourceOwner, "APPROVE", "works with us").then().statusCode(200).body("stage", equalTo(2))
                .body("approvers", equalTo(List.of(security)));
        decide(first, resourceOwner, "APPROVE", null).then().statusCode(404); // their stage is decided
        decide(first, security, "DENY", null).then().statusCode(400).body("errors[0].field", equalTo("justification"));
        decide(first, security, "DENY", "no NDA on file").then().statusCode(200).body("state", equalTo("DENIED"))
                .body("reason", equalTo("no NDA on file")).body("decisions.decision", equalTo(List.of("APPROVE", "DENY")))
                .body("decisions.decidedBy", equalTo(List.of(resourceOwner, security)));

        String second = asGuest(guest).body(Map.of("packageId", pkg, "answers", Map.of("project", "Falcon"))).post("/api/v1/access-requests")
                .then().statusCode(201).extract().path("id");
        decide(second, resourceOwner, "APPROVE", null).then().statusCode(200);
        Instant approvedAround = Instant.now();
        String expiresAt = decide(second, security, "APPROVE", "NDA signed").then().statusCode(200).body("state", equalTo("APPROVED"))
                .extract().path("expiresAt");
        assertAbout(approvedAround.plus(Duration.ofDays(30)), Instant.parse(expiresAt));

        assertEquals(List.of("access-request-submitted", "approval-requested " + resourceOwner, "access-request-decided APPROVE PENDING_APPROVAL",
                "approval-requested " + security, "access-request-decided DENY DENIED"), steps(first, 5));
        assertEquals(List.of("access-request-submitted", "approval-requested " + resourceOwner, "access-request-decided APPROVE PENDING_APPROVAL",
                "approval-requested " + security, "access-request-decided APPROVE APPROVED", "access-request-approved"), steps(second, 6));
        AccessRequestApproved approved = EventJson.read(events(second).get(5).value(), AccessRequestApproved.class);
        assertEquals(guestIds.get(guest), approved.guestId());
        assertEquals(List.of(sponsor), approved.sponsors());
        assertEquals(2, approved.resources().size());
        assertEquals(Instant.parse(expiresAt), approved.expiresAt());
        ApprovalRequested asked = EventJson.read(events(second).get(3).value(), ApprovalRequested.class);
        assertEquals(2, asked.stage());
        assertTrue(asked.justificationRequired());
        assertTrue(asked.link().endsWith("/reviews?request=" + second), asked.link());
    }

    @Test
    void thePackagesRuleOfWhoMayAskRefusesWithItsReasonAndCreatesNothing() {
        String connected = partner("CONNECTED");
        String proposed = partner("PROPOSED");
        String blocked = partner("BLOCKED");
        String guest = guest(connected);
        String resource = resource();
        String existingGuestsOnly = pkg(Map.of("who", Map.of("type", "EXISTING_GUESTS"), "lifetimeDays", 30), resource);
        String namedPartners = pkg(Map.of("who", Map.of("type", "NAMED_PARTNERS", "partnerIds", List.of(proposed)), "lifetimeDays", 30), resource);
        String connectedOnly = pkg(Map.of("who", Map.of("type", "CONNECTED_PARTNERS"), "lifetimeDays", 30), resource);
        String proposedToo = pkg(Map.of("who", Map.of("type", "CONNECTED_PARTNERS", "allowProposedPartners", true), "lifetimeDays", 30), resource);

        refused(existingGuestsOnly, "newcomer@" + domain(connected), "only existing guests");
        refused(namedPartners, guest, "only the people of the package's partners");
        refused(connectedOnly, "someone@" + domain(proposed), "not connected yet (PROPOSED)");
        refused(connectedOnly, "someone@unknown-" + run + ".example", "an organization unknown here");
        refused(proposedToo, "someone@" + domain(blocked), "a blocked partner");
        kafka.publish(new GuestBlocked(guestIds.get(guest), guest, "Ann", List.of(sponsor), "ADMIN", UUID.randomUUID().toString(), List.of(),
                Instant.now(), "admin"));
        await().atMost(KNOWN).until(() -> inTx(() -> "BLOCKED".equals(KnownGuest.<KnownGuest>findById(UUID.fromString(guestIds.get(guest))).state)));
        refused(proposedToo, guest, "a blocked guest");
        assertEquals(0, given().auth().oauth2(TestTokens.admin()).queryParam("limit", 500).get("/api/v1/access-requests").then().statusCode(200)
                .extract().<List<String>>path("items.requester.email").stream().filter(e -> e.contains(run) || e.contains("unknown-" + run)).count());

        // what each rule lets in
        asGuest("newcomer@" + domain(connected)).body(Map.of("packageId", connectedOnly)).post("/api/v1/access-requests").then().statusCode(201);
        asGuest("someone@" + domain(proposed)).body(Map.of("packageId", namedPartners)).post("/api/v1/access-requests").then().statusCode(201);
        asGuest("someone@" + domain(proposed)).body(Map.of("packageId", proposedToo)).post("/api/v1/access-requests").then().statusCode(201);
        asGuest("someone@unknown-" + run + ".example").body(Map.of("packageId", proposedToo)).post("/api/v1/access-requests").then().statusCode(201);
        // and once is enough: a second open request for the same package is a conflict
        asGuest("someone@unknown-" + run + ".example").body(Map.of("packageId", proposedToo)).post("/api/v1/access-requests").then().statusCode(409);
    }

    @Test
    void answersAndTheRequesterAreCheckedAndOnlyTheRequesterOrTheSubmitterCancels() {
        String partner = partner("CONNECTED");
        String guest = guest(partner);
        String pkg = pkg(Map.of("who", Map.of("type", "CONNECTED_PARTNERS"), "lifetimeDays", 30,
                "approvalStages", List.of(Map.of("approvers", "PACKAGE_OWNERS", "deadlineDays", 7)),
                "questions", List.of(Map.of("id", "project", "text", "Which project?"), Map.of("id", "phone", "text", "Phone?", "required", false))),
                resource());

        asGuest(guest).body(Map.of("packageId", pkg)).post("/api/v1/access-requests").then().statusCode(400)
                .body("errors[0].field", equalTo("answers.project"));
        asGuest(guest).body(Map.of("packageId", pkg, "answers", Map.of("project", "Falcon", "salary", "a lot"))).post("/api/v1/access-requests")
                .then().statusCode(400).body("errors[0].field", equalTo("answers.salary"));
        asGuest(guest).body(Map.of("packageId", UUID.randomUUID().toString())).post("/api/v1/access-requests").then().statusCode(400)
                .body("errors[0].field", equalTo("packageId"));
        // a partner's person asks for themselves only; a business owner only for a guest they sponsor; an owner must say for whom
        asGuest(guest).body(Map.of("packageId", pkg, "answers", Map.of("project", "Falcon"), "requester", Map.of("email", "other@" + domain(partner))))
                .post("/api/v1/access-requests").then().statusCode(403);
        asOwner("stranger-" + run + "@corp.example").body(Map.of("packageId", pkg, "answers", Map.of("project", "Falcon"),
                "requester", Map.of("email", guest))).post("/api/v1/access-requests").then().statusCode(403);
        asOwner(sponsor).body(Map.of("packageId", pkg, "answers", Map.of("project", "Falcon"))).post("/api/v1/access-requests").then()
                .statusCode(400).body("errors[0].field", equalTo("requester"));

        // the sponsor asks on the guest's behalf: both see it, the package owner decides it, nobody else sees it
        String id = asOwner(sponsor).body(Map.of("packageId", pkg, "answers", Map.of("project", "Falcon"), "requester", Map.of("email", guest)))
                .post("/api/v1/access-requests").then().statusCode(201).body("submittedBy", equalTo(sponsor))
                .body("requester.email", equalTo(guest)).extract().path("id");
        asGuest(guest).get("/api/v1/access-requests/" + id).then().statusCode(200);
        asGuest(guest).queryParam("mine", true).get("/api/v1/access-requests").then().statusCode(200).body("items.id", equalTo(List.of(id)));
        asOwner(packageOwner).queryParam("toDecide", true).get("/api/v1/access-requests").then().statusCode(200).body("items.id", hasItem(id));
        asOwner("stranger-" + run + "@corp.example").get("/api/v1/access-requests/" + id).then().statusCode(404);
        asOwner("stranger-" + run + "@corp.example").get("/api/v1/access-requests").then().statusCode(200).body("items.id", not(hasItem(id)));
        asGuest("other@" + domain(partner)).post("/api/v1/access-requests/" + id + "/cancel").then().statusCode(404);

        asGuest(guest).post("/api/v1/access-requests/" + id + "/cancel").then().statusCode(200).body("state", equalTo("CANCELLED"))
                .body("approvers", equalTo(List.of()));
        asGuest(guest).post("/api/v1/access-requests/" + id + "/cancel").then().statusCode(409);
        decide(id, packageOwner, "APPROVE", null).then().statusCode(404);
        assertEquals(List.of("access-request-submitted", "approval-requested " + packageOwner, "access-request-decided CANCEL CANCELLED"), steps(id, 3));
    }

    @Test
    void atTheDeadlineARequestExpiresOrEscalatesToTheFallbackOnce() {
        String partner = partner("CONNECTED");
        String guest = guest(partner);
        String resource = resource();
        String denyAtDeadline = pkg(Map.of("who", Map.of("type", "CONNECTED_PARTNERS"), "lifetimeDays", 30,
                "approvalStages", List.of(Map.of("approvers", "PACKAGE_OWNERS", "deadlineDays", 7))), resource);
        String escalate = pkg(Map.of("who", Map.of("type", "CONNECTED_PARTNERS"), "lifetimeDays", 30, "onDeadline", "ESCALATE",
                "approvalStages", List.of(Map.of("approvers", "PACKAGE_OWNERS", "fallbackApprovers", List.of(security), "deadlineDays", 7))), resource);
        String expiring = asGuest(guest).body(Map.of("packageId", denyAtDeadline)).post("/api/v1/access-requests").then().statusCode(201)
                .extract().path("id");
        String escalating = asGuest(guest).body(Map.of("packageId", escalate)).post("/api/v1/access-requests").then().statusCode(201)
                .extract().path("id");

        jobs.run(Instant.now().plus(Duration.ofDays(6)));
        admin().get("/api/v1/access-requests/" + expiring).then().body("state", equalTo("PENDING_APPROVAL"));
        jobs.run(Instant.now().plus(Duration.ofDays(7)).plusSeconds(60));
        admin().get("/api/v1/access-requests/" + expiring).then().body("state", equalTo("EXPIRED")).body("reason", containsString("deadline"));
        admin().get("/api/v1/access-requests/" + escalating).then().body("state", equalTo("PENDING_APPROVAL")).body("escalated", equalTo(true))
                .body("approvers", equalTo(List.of(packageOwner, security)));
        decide(escalating, security, "APPROVE", null).then().statusCode(200).body("state", equalTo("APPROVED"));

        List<String> steps = steps(escalating, 5);
        assertEquals(List.of("access-request-submitted", "approval-requested " + packageOwner, "approval-requested " + security,
                "access-request-decided APPROVE APPROVED", "access-request-approved"), steps);
        assertTrue(EventJson.read(events(escalating).get(2).value(), ApprovalRequested.class).escalated());
        AccessRequestDecided expired = EventJson.read(events(expiring).get(2).value(), AccessRequestDecided.class);
        assertEquals("EXPIRE", expired.decision());
        assertEquals("EXPIRED", expired.state());
    }

    @Test
    void aPackageWithoutApprovalIsApprovedAtOnceAndANewGuestsSponsorsAreItsOwners() {
        String partner = partner("CONNECTED");
        String pkg = pkg(Map.of("who", Map.of("type", "CONNECTED_PARTNERS"), "until", "2099-01-01T00:00:00Z"), resource());
        String newcomer = "newcomer-" + run + "@" + domain(partner);
        String id = asGuest(newcomer).body(Map.of("packageId", pkg, "requester", Map.of("email", newcomer, "displayName", "Nia Newcomer")))
                .post("/api/v1/access-requests").then().statusCode(201).body("state", equalTo("APPROVED")).body("stage", equalTo(0))
                .body("guestId", nullValue()).body("partnerId", equalTo(partner)).body("expiresAt", equalTo("2099-01-01T00:00:00Z"))
                .extract().path("id");
        assertEquals(List.of("access-request-submitted", "access-request-decided APPROVE APPROVED", "access-request-approved"), steps(id, 3));
        AccessRequestApproved approved = EventJson.read(events(id).get(2).value(), AccessRequestApproved.class);
        assertEquals(List.of(packageOwner), approved.sponsors());
        assertEquals("Nia Newcomer", approved.requester().displayName());
        assertEquals(newcomer, events(id).get(2).key()); // no guest yet: keyed by the address
    }

    @Test
    void anApprovedRequestIsDeliveredOnceInventoryGrantedEveryResourceOrFailsWithInventorysReason() {
        String partner = partner("CONNECTED");
        String crm = resource();
        String wiki = resource();
        String pkg = pkg(Map.of("who", Map.of("type", "CONNECTED_PARTNERS"), "lifetimeDays", 30), crm, wiki);
        String newcomer = "newcomer-" + run + "@" + domain(partner);
        String delivered = asGuest(newcomer).body(Map.of("packageId", pkg)).post("/api/v1/access-requests").then().statusCode(201)
                .body("state", equalTo("APPROVED")).extract().path("id");
        String guestId = UUID.randomUUID().toString();
        kafka.publish(new AccessGranted(UUID.randomUUID().toString(), guestId, crm, "reader", Instant.now(), null, "owner", "request", delivered));
        await().atMost(KNOWN).until(() -> inTx(() -> knownGrants(guestId) == 1));
        admin().get("/api/v1/access-requests/" + delivered).then().body("state", equalTo("APPROVED")); // one of two grants is not delivery
        kafka.publish(new AccessGranted(UUID.randomUUID().toString(), guestId, wiki, "reader", Instant.now(), null, "owner", "request", delivered));
        await().atMost(KNOWN).until(() -> admin().get("/api/v1/access-requests/" + delivered).then().extract().path("state"), equalTo("DELIVERED"));
        admin().get("/api/v1/access-requests/" + delivered).then().body("guestId", equalTo(guestId)).body("deliveredAt", not(nullValue()));
        // the request's events before delivery are keyed by the address (in order on one partition); delivered, by the new guest's id
        assertEquals(List.of("access-request-submitted", "access-request-decided APPROVE APPROVED", "access-request-approved"),
                steps(delivered, 4).stream().filter(step -> !step.equals("access-request-delivered")).toList());
        ConsumerRecord<String, String> done = events(delivered).stream().filter(r -> guestId.equals(r.key())).findFirst().orElseThrow();
        assertEquals(2, EventJson.read(done.value(), AccessRequestDelivered.class).grantIds().size());

        String other = "other-" + run + "@" + domain(partner);
        String failed = asGuest(other).body(Map.of("packageId", pkg)).post("/api/v1/access-requests").then().statusCode(201).extract().path("id");
        kafka.publish(new AccessRequestRefused(failed, other, null, "the policies refuse to grant app to " + other,
                List.of(Map.of("message", "CONFIDENTIAL is above the ceiling")), Instant.now()));
        await().atMost(KNOWN).until(() -> admin().get("/api/v1/access-requests/" + failed).then().extract().path("state"), equalTo("FAILED"));
        admin().get("/api/v1/access-requests/" + failed).then().body("reason", containsString("the policies refuse"));
        assertEquals("access-request-decided FAIL FAILED", steps(failed, 4).get(3));
    }

    @Test
    void aReviewOfAPackageCoversExactlyTheAssignmentsItsRequestsDelivered() {
        String partner = partner("CONNECTED");
        String crm = resource();
        String pkg = pkg(Map.of("who", Map.of("type", "EXISTING_GUESTS"), "lifetimeDays", 30), crm);
        String member = guest(partner);
        String request = asGuest(member).body(Map.of("packageId", pkg)).post("/api/v1/access-requests").then().statusCode(201)
                .body("state", equalTo("APPROVED")).extract().path("id");
        String assignment = UUID.randomUUID().toString();
        kafka.publish(new AccessGranted(assignment, guestIds.get(member), crm, "reader", Instant.now(), null, "owner", "request", request));
        // the same resource granted by an admin to another guest: not the package's
        String outsider = guest(partner);
        kafka.publish(new AccessGranted(UUID.randomUUID().toString(), guestIds.get(outsider), crm, "reader", Instant.now(), null, "admin", "project"));
        await().atMost(KNOWN).until(() -> admin().get("/api/v1/access-requests/" + request).then().extract().path("state"), equalTo("DELIVERED"));
        await().atMost(KNOWN).until(() -> inTx(() -> knownGrants(guestIds.get(outsider)) == 1));

        admin().body(packageReview(List.of(UUID.randomUUID().toString()))).post("/api/v1/review-definitions").then().statusCode(400)
                .body("errors[0].field", equalTo("scope.packageIds[0]"));
        String definition = admin().body(packageReview(List.of(pkg))).post("/api/v1/review-definitions").then().statusCode(201)
                .body("scope.packageIds", equalTo(List.of(pkg))).extract().path("id");
        String campaign = admin().post("/api/v1/review-definitions/" + definition + "/campaigns").then().statusCode(201).extract().path("id");
        asOwner(packageOwner).queryParam("campaignId", campaign).get("/api/v1/my/review-items").then().statusCode(200)
                .body("items.grantId", equalTo(List.of(assignment))).body("items[0].guestEmail", equalTo(member));
    }

    /** A one-off review of the packages' assignments by the package's owner. */
    private Map<String, Object> packageReview(List<String> packageIds) {
        return Map.of("name", "Falcon assignments " + run, "scope", Map.of("packageIds", packageIds), "reviewers", "NAMED",
                "namedReviewers", List.of(packageOwner), "recurrence", "ONCE", "durationDays", 7);
    }

    private static long knownGrants(String guestId) {
        return dev.portcullis.readmodel.KnownGrant.count("guestId", UUID.fromString(guestId));
    }

    // --- the world as inventory announces it

    private final Map<String, String> guestIds = new HashMap<>();
    private final Map<String, String> domains = new HashMap<>();

    private String partner(String state) {
        String id = UUID.randomUUID().toString();
        String domain = state.toLowerCase() + "-" + id.substring(0, 6) + ".example";
        domains.put(id, domain);
        kafka.publish(new PartnerUpserted(id, "Partner " + domain, "tenant-" + id, List.of(domain), state, "admin", Instant.now()));
        await().atMost(KNOWN).until(() -> inTx(() -> KnownPartner.findById(UUID.fromString(id)) != null));
        return id;
    }

    private String domain(String partnerId) {
        return domains.get(partnerId);
    }

    /** A guest of the partner, sponsored by {@link #sponsor}; returns their address. */
    private String guest(String partnerId) {
        String id = UUID.randomUUID().toString();
        String email = "guest-" + id.substring(0, 6) + "@" + domain(partnerId);
        guestIds.put(email, id);
        kafka.publish(new GuestInvited(id, email, "Ann", partnerId, "tenant-" + partnerId, "s-" + id, List.of(sponsor), Instant.now(), "admin", "project"));
        await().atMost(KNOWN).until(() -> inTx(() -> KnownGuest.findById(UUID.fromString(id)) != null));
        return email;
    }

    private String resource() {
        String id = UUID.randomUUID().toString();
        kafka.publish(new ResourceUpserted(id, "app " + id.substring(0, 6), "APPLICATION", "CONFIDENTIAL", null, List.of(resourceOwner), "admin", null));
        await().atMost(KNOWN).until(() -> inTx(() -> KnownResource.findById(UUID.fromString(id)) != null));
        return id;
    }

    private String pkg(Map<String, Object> policy, String... resources) {
        List<Map<String, Object>> bundled = new ArrayList<>();
        for (String r : resources) {
            bundled.add(Map.of("resourceId", r, "role", "reader"));
        }
        return admin().body(Map.of("name", "Falcon " + run, "scenarioId", UUID.randomUUID().toString(), "owners", List.of(packageOwner),
                "resources", bundled, "requestPolicy", policy)).post("/api/v1/access-packages").then().statusCode(201).extract().path("id");
    }

    // --- asking, deciding, reading what was announced

    private void refused(String pkg, String requester, String reason) {
        asGuest(requester).body(Map.of("packageId", pkg)).post("/api/v1/access-requests").then().statusCode(422)
                .contentType("application/problem+json").body("detail", containsString(reason)).body("reasons[0].packageId", equalTo(pkg));
    }

    private io.restassured.response.Response decide(String id, String approver, String decision, String justification) {
        Map<String, Object> body = new HashMap<>(Map.of("decision", decision));
        if (justification != null) {
            body.put("justification", justification);
        }
        return asOwner(approver).body(body).post("/api/v1/access-requests/" + id + "/decision");
    }

    /** The request's events on review.requests once there are {@code count}, each as its type (and approver, or decision and state). */
    private List<String> steps(String requestId, int count) {
        return await().atMost(KNOWN).until(() -> events(requestId), r -> r.size() >= count).stream().map(RequestSteps::step).toList();
    }

    private List<ConsumerRecord<String, String>> events(String requestId) {
        return RequestSteps.of(kafka, requestId);
    }

    private static void assertAbout(Instant expected, Instant actual) {
        assertTrue(Math.abs(ChronoUnit.SECONDS.between(expected, actual)) < 60, expected + " vs " + actual);
    }

    private static boolean inTx(Callable<Boolean> check) {
        return QuarkusTransaction.requiringNew().call(check);
    }

    private RequestSpecification admin() {
        return given().auth().oauth2(TestTokens.admin()).contentType(ContentType.JSON);
    }

    private RequestSpecification asOwner(String email) {
        return given().auth().oauth2(TestTokens.owner(email)).contentType(ContentType.JSON);
    }

    private RequestSpecification asGuest(String email) {
        return given().auth().oauth2(TestTokens.guest(email)).contentType(ContentType.JSON);
    }
}

package dev.portcullis.policy;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.events.AccessGranted;
import dev.portcullis.events.AccessRevocationRequested;
import dev.portcullis.events.AccessRevoked;
import dev.portcullis.events.EventJson;
import dev.portcullis.events.GuestInvited;
import dev.portcullis.events.PolicyEnforcementHeld;
import dev.portcullis.events.PolicyViolationDetected;
import dev.portcullis.events.PolicyViolationResolved;
import dev.portcullis.events.ResourceUpserted;
import dev.portcullis.events.RevocationReason;
import dev.portcullis.events.Topic;
import dev.portcullis.testsupport.KafkaResource;
import dev.portcullis.testsupport.KafkaTestClient;
import dev.portcullis.testsupport.PostgresResource;
import dev.portcullis.testsupport.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Continuous evaluation against a real broker: inventory's events (published here as inventory would)
 * feed the read model, policies change over REST, and what a SOC or inventory-service would read is
 * read back from the topics. Each test works on guests of a partner of its own.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
class ContinuousEvaluationTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final KafkaTestClient kafka = new KafkaTestClient(KafkaResource.bootstrapServers());

    @Test
    void aBlockedDomainTurnsExistingGrantsIntoViolationsReportedThenEnforcedAndTheyResolve() {
        String partner = UUID.randomUUID().toString();
        String resource = resource("GENERAL");
        String eve = guest(partner, "eve@rival.example");
        String ann = guest(partner, "ann@contoso.example");
        String eveFirst = grant(eve, resource);
        String eveSecond = grant(eve, resource("CONFIDENTIAL"));
        grant(ann, resource);
        awaitGrantsKnown(partner, 3);

        String policy = createPolicy(partner, "REPORT_ONLY", List.of("rival.example"));
        await().atMost(WAIT).untilAsserted(() -> assertEquals(Set.of(eveFirst, eveSecond), grantsOf(violations(policy, "OPEN"))));
        JsonPath reported = violations(policy, "OPEN");
        assertEquals(List.of("REPORTED", "REPORTED"), reported.getList("items.enforcement"));
        assertEquals("email domain rival.example is blocked", reported.getString("items[0].message"));
        List<PolicyViolationDetected> detected = await().atMost(WAIT).until(() -> detected(policy), d -> d.size() == 2);
        assertTrue(detected.stream().allMatch(d -> d.enforcement().equals("REPORTED") && d.guestId().equals(eve) && d.policyVersion() == 1));
        // what the owners are told with: who, which resource, and whose it is
        PolicyViolationDetected onFirst = detected.stream().filter(d -> d.grantId().equals(eveFirst)).findFirst().orElseThrow();
        assertEquals("eve@rival.example", onFirst.guestEmail());
        assertEquals("Resource " + resource, onFirst.resourceName());
        assertEquals(List.of("owner@corp.example"), onFirst.resourceOwners());
        assertEquals(List.of(), revocationRequests(eve), "report-only requests no revocation");

        updatePolicy(policy, "ENFORCE", List.of("rival.example"));
        List<AccessRevocationRequested> requests = await().atMost(WAIT).until(() -> revocationRequests(eve), r -> r.size() == 2);
        assertEquals(Set.of(eveFirst, eveSecond), requests.stream().map(AccessRevocationRequested::grantId).collect(Collectors.toSet()));
        Set<String> violationIds = Set.copyOf(violations(policy, "OPEN").getList("items.id"));
        assertTrue(requests.stream().allMatch(r -> r.reason() == RevocationReason.POLICY_VIOLATION && violationIds.contains(r.causeId())
                && r.requestedBy().equals("policy-service")), "each request names its violation as the cause: " + requests);
        assertEquals(List.of("REVOCATION_REQUESTED", "REVOCATION_REQUESTED"), violations(policy, "OPEN").getList("items.enforcement"));
        assertEquals(2, detected(policy).size(), "a violation is opened once, whatever happens to its policy");

        // inventory revokes the first grant: its violation resolves
        kafka.publish(new AccessRevoked(eveFirst, eve, resource, "Wiki", List.of("owner@corp.example"), "reader", RevocationReason.POLICY_VIOLATION,
                requests.get(0).causeId(), Instant.now(), "policy-service"));
        await().atMost(WAIT).untilAsserted(() -> assertEquals(Set.of(eveSecond), grantsOf(violations(policy, "OPEN"))));
        assertEquals("GRANT_REVOKED", resolvedOf(policy, eveFirst).resolution());

        // the policy stops blocking the domain: the other violation resolves
        updatePolicy(policy, "ENFORCE", List.of("elsewhere.example"));
        await().atMost(WAIT).untilAsserted(() -> assertEquals(Set.of(), grantsOf(violations(policy, "OPEN"))));
        assertEquals("NO_LONGER_VIOLATES", resolvedOf(policy, eveSecond).resolution());
        assertEquals(2, violations(policy, "RESOLVED").getList("items").size());
    }

    @Test
    void aNewGrantOrAChangedResourceIsCheckedAgainstThePoliciesInForceAndADeletedPolicyWithdrawsItsViolations() {
        String partner = UUID.randomUUID().toString();
        String policy = given().auth().oauth2(TestTokens.admin()).contentType(ContentType.JSON)
                .body(Map.of("name", "Ceiling " + partner, "mode", "REPORT_ONLY", "scope", Map.of("partnerIds", List.of(partner)),
                        "rule", Map.of("type", "SENSITIVITY_CEILING", "maxSensitivity", "GENERAL")))
                .post("/api/v1/policies").then().statusCode(201).extract().path("id");
        String resource = resource("GENERAL");
        String bob = guest(partner, "bob@contoso.example");
        String grant = grant(bob, resource);
        awaitGrantsKnown(partner, 1);

        // the resource is reclassified: the grant that was fine now violates
        kafka.publish(new ResourceUpserted(resource, "Wiki", "APPLICATION", "HIGHLY_CONFIDENTIAL", null, List.of("owner@corp.example"), "admin", "reclassified"));
        await().atMost(WAIT).untilAsserted(() -> assertEquals(Set.of(grant), grantsOf(violations(policy, "OPEN"))));
        assertEquals("the resource is HIGHLY_CONFIDENTIAL, above the ceiling of GENERAL", violations(policy, "OPEN").getString("items[0].message"));

        given().auth().oauth2(TestTokens.admin()).delete("/api/v1/policies/" + policy).then().statusCode(200);
        await().atMost(WAIT).untilAsserted(() -> assertEquals(Set.of(), grantsOf(violations(policy, "OPEN"))));
        assertEquals("POLICY_WITHDRAWN", resolvedOf(policy, grant).resolution());
    }

    @Test
    void aChangeThatWouldRevokeTooMuchIsHeldUntilAnAdminConfirms() {
        String partner = UUID.randomUUID().toString();
        String resource = resource("GENERAL");
        List<String> rivals = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            rivals.add(grant(guest(partner, "r" + i + "@rival.example"), resource));
        }
        for (int i = 0; i < 3; i++) {
            grant(guest(partner, "c" + i + "@contoso.example"), resource);
        }
        awaitGrantsKnown(partner, 15);

        String policy = createPolicy(partner, "ENFORCE", List.of("rival.example"));
        await().atMost(WAIT).untilAsserted(() -> assertEquals(Set.copyOf(rivals), grantsOf(violations(policy, "OPEN"))));
        JsonPath holds = given().auth().oauth2(TestTokens.auditor()).queryParam("policyId", policy).get("/api/v1/enforcement-holds")
                .then().statusCode(200).extract().jsonPath();
        String hold = holds.getString("items[0].id");
        assertEquals("PENDING", holds.getString("items[0].state"));
        assertEquals(15, holds.getInt("items[0].grantsInScope"));
        assertEquals(12, holds.getInt("items[0].revocationsHeld"));
        assertTrue(violations(policy, "OPEN").getList("items.enforcement").stream().allMatch("HELD"::equals));
        assertEquals(List.of(hold), violations(policy, "OPEN").getList("items.holdId").stream().distinct().toList());
        PolicyEnforcementHeld held = await().atMost(WAIT).until(() -> kafka.readAll(Topic.POLICY_VIOLATIONS.topicName(), r -> r.key().equals(policy))
                .stream().map(r -> EventJson.read(r.value(), PolicyEnforcementHeld.class)).toList(), l -> l.size() == 1).get(0);
        assertEquals(hold, held.holdId());
        assertEquals(12, held.revocationsHeld());
        await().atMost(WAIT).until(() -> detected(policy), d -> d.size() == 12 && d.stream().allMatch(v -> v.enforcement().equals("HELD")));
        assertEquals(List.of(), revocationRequestsFor(rivals), "nothing is revoked while the hold waits");

        // a grant that arrives meanwhile joins the hold
        String late = grant(guest(partner, "late@rival.example"), resource);
        await().atMost(WAIT).untilAsserted(() -> assertEquals(13, violations(policy, "OPEN").getList("items").size()));
        rivals.add(late);
        given().auth().oauth2(TestTokens.auditor()).get("/api/v1/enforcement-holds/" + hold).then().statusCode(200).body("revocationsHeld", equalTo(13));

        given().post("/api/v1/enforcement-holds/" + hold + "/confirm").then().statusCode(401);
        given().auth().oauth2(TestTokens.auditor()).post("/api/v1/enforcement-holds/" + hold + "/confirm").then().statusCode(403);
        String admin = given().auth().oauth2(TestTokens.admin()).post("/api/v1/enforcement-holds/" + hold + "/confirm").then().statusCode(200)
                .body("state", equalTo("CONFIRMED")).extract().path("decidedBy");
        List<AccessRevocationRequested> requests = await().atMost(WAIT).until(() -> revocationRequestsFor(rivals), r -> r.size() == 13);
        assertTrue(requests.stream().allMatch(r -> r.requestedBy().equals(admin)), "the admin who confirmed asked for them");
        assertTrue(violations(policy, "OPEN").getList("items.enforcement").stream().allMatch("REVOCATION_REQUESTED"::equals));
        given().auth().oauth2(TestTokens.admin()).post("/api/v1/enforcement-holds/" + hold + "/decline").then().statusCode(409)
                .body("detail", equalTo("the hold is CONFIRMED: only a PENDING hold can be confirmed or declined"));
        given().auth().oauth2(TestTokens.admin()).post("/api/v1/enforcement-holds/" + UUID.randomUUID() + "/confirm").then().statusCode(404);

        // the SOC's feed: the hold on the policy's key, then the admin's confirmation on the hold's; the refused decline left nothing
        com.fasterxml.jackson.databind.JsonNode heldRecord = await().atMost(WAIT).until(() -> kafka.ocsfRecords(policy).stream()
                .filter(e -> "Enforcement hold".equals(e.at("/entity/type").asText())).toList(), f -> f.size() == 1).get(0);
        assertEquals(hold, heldRecord.at("/entity/uid").asText());
        assertEquals(12, heldRecord.at("/entity/data/revocationsHeld").asInt());
        com.fasterxml.jackson.databind.JsonNode confirmed = await().atMost(WAIT).until(() -> kafka.ocsfRecords(hold), f -> !f.isEmpty()).get(0);
        assertEquals("dev.portcullis.admin.enforcement-hold-confirmed", confirmed.at("/metadata/event_code").asText());
        assertEquals(admin, confirmed.at("/actor/user/name").asText());
        assertEquals(13, confirmed.at("/entity/data/revocationsRequested").asInt());
        assertEquals(1, kafka.ocsfRecords(hold).size(), "the refused decline is not on the feed");
        assertTrue(java.util.stream.Stream.of(heldRecord, confirmed).allMatch(e -> dev.portcullis.events.EventSchemas.ocsfViolations(e).isEmpty()));
    }

    @Test
    void theListsNeedAnAdminOrAuditorAndRefuseBadFilters() {
        given().get("/api/v1/violations").then().statusCode(401);
        given().auth().oauth2(TestTokens.withRole("inventory-service", "portcullis-pdp")).get("/api/v1/violations").then().statusCode(403);
        given().auth().oauth2(TestTokens.auditor()).queryParam("state", "SHUT").get("/api/v1/violations").then().statusCode(400)
                .body("errors[0].field", equalTo("state"));
        given().auth().oauth2(TestTokens.auditor()).queryParam("guestId", "nope").get("/api/v1/violations").then().statusCode(400)
                .body("errors[0].field", equalTo("guestId"));
        given().get("/api/v1/enforcement-holds").then().statusCode(401);
        given().auth().oauth2(TestTokens.owner("o@corp.example")).get("/api/v1/enforcement-holds").then().statusCode(403);
        given().auth().oauth2(TestTokens.auditor()).queryParam("state", "OPEN").get("/api/v1/enforcement-holds").then().statusCode(400)
                .body("errors[0].field", equalTo("state"));
    }

    // --- helpers

    private String resource(String sensitivity) {
        String id = UUID.randomUUID().toString();
        kafka.publish(new ResourceUpserted(id, "Resource " + id, "APPLICATION", sensitivity, null, List.of("owner@corp.example"), "admin", "created"));
        return id;
    }

    private String guest(String partner, String email) {
        String id = UUID.randomUUID().toString();
        kafka.publish(new GuestInvited(id, email, email, partner, "tenant-" + partner, "sub-" + id, List.of("sponsor@corp.example"), Instant.now(),
                "admin", "test"));
        return id;
    }

    private String grant(String guest, String resource) {
        String id = UUID.randomUUID().toString();
        kafka.publish(new AccessGranted(id, guest, resource, "reader", Instant.now(), null, "admin", "test"));
        return id;
    }

    /** Waits until the read model holds the partner's grants: a simulation of a policy that flags every guest of the partner sees them all. */
    private static void awaitGrantsKnown(String partner, int grants) {
        Map<String, Object> draft = Map.of("name", "all of " + partner, "mode", "REPORT_ONLY", "scope", Map.of("partnerIds", List.of(partner)),
                "rule", Map.of("type", "CONDITION", "expression", "false", "message", "everyone"));
        await().atMost(WAIT).untilAsserted(() -> given().auth().oauth2(TestTokens.auditor()).contentType(ContentType.JSON).body(draft)
                .post("/api/v1/policies/simulate").then().statusCode(200).body("flagged", equalTo(grants)));
    }

    private static String createPolicy(String partner, String mode, List<String> blocked) {
        return given().auth().oauth2(TestTokens.admin()).contentType(ContentType.JSON).body(policyBody(partner, mode, blocked))
                .post("/api/v1/policies").then().statusCode(201).extract().path("id");
    }

    private static void updatePolicy(String policy, String mode, List<String> blocked) {
        String partner = given().auth().oauth2(TestTokens.admin()).get("/api/v1/policies/" + policy).then().statusCode(200)
                .extract().path("scope.partnerIds[0]");
        given().auth().oauth2(TestTokens.admin()).contentType(ContentType.JSON).body(policyBody(partner, mode, blocked))
                .put("/api/v1/policies/" + policy).then().statusCode(200);
    }

    private static Map<String, Object> policyBody(String partner, String mode, List<String> blocked) {
        return Map.of("name", "No rivals " + partner, "mode", mode, "scope", Map.of("partnerIds", List.of(partner)),
                "rule", Map.of("type", "PARTNER_DOMAINS", "blockDomains", blocked));
    }

    private static JsonPath violations(String policy, String state) {
        return given().auth().oauth2(TestTokens.auditor()).queryParam("policyId", policy).queryParam("state", state).queryParam("limit", 500)
                .get("/api/v1/violations").then().statusCode(200).extract().jsonPath();
    }

    private static Set<String> grantsOf(JsonPath violations) {
        return Set.copyOf(violations.getList("items.grantId"));
    }

    private List<PolicyViolationDetected> detected(String policy) {
        return kafka.readAll(Topic.POLICY_VIOLATIONS.topicName(), r -> r.value().contains("\"policyId\":\"" + policy + "\"")
                && r.value().contains("\"enforcement\"")).stream().map(r -> EventJson.read(r.value(), PolicyViolationDetected.class)).toList();
    }

    private PolicyViolationResolved resolvedOf(String policy, String grant) {
        return await().atMost(WAIT).until(() -> kafka.readAll(Topic.POLICY_VIOLATIONS.topicName(),
                        r -> r.value().contains("\"resolution\"") && r.value().contains(policy) && r.value().contains(grant)).stream()
                .map(r -> EventJson.read(r.value(), PolicyViolationResolved.class)).toList(), l -> l.size() == 1).get(0);
    }

    private List<AccessRevocationRequested> revocationRequests(String guest) {
        return kafka.readAll(Topic.GOVERNANCE_REVOCATIONS.topicName(), r -> guest.equals(r.key())).stream()
                .map(r -> EventJson.read(r.value(), AccessRevocationRequested.class)).toList();
    }

    private List<AccessRevocationRequested> revocationRequestsFor(List<String> grants) {
        return kafka.readAll(Topic.GOVERNANCE_REVOCATIONS.topicName()).stream().map(r -> EventJson.read(r.value(), AccessRevocationRequested.class))
                .filter(r -> grants.contains(r.grantId())).toList();
    }
}

package dev.portcullis.e2e;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * inventory-service asks policy-service before it invites or grants, with the real services, Keycloak
 * tokens (the portcullis-pdp client) and databases: a refusal is a 422 with the policy's reasons, an
 * obligation caps the grant's expiry, and no decision (policy-service stopped) is a 503; in neither
 * refusal is anything created.
 */
@ExtendWith(Platform.class)
class PolicyGateTest {

    @Test
    void anInviteTheGuardRailsRefuseIs422WithTheReasonsAndAGrantsExpiryIsCappedByThem() {
        Platform platform = Platform.get();
        String admin = platform.userToken("admin");
        String run = UUID.randomUUID().toString().substring(0, 8);
        String blocked = "rival-" + run + ".example";
        String policyId = policies(platform, admin).body(Map.of("name", "No rivals " + run, "mode", "ENFORCE",
                "rule", Map.of("type", "PARTNER_DOMAINS", "blockDomains", List.of(blocked)))).post("/api/v1/policies").then().statusCode(201)
                .extract().path("id");

        inventory(platform, admin).body(invite("eve@" + blocked, run)).post("/api/v1/guests").then().statusCode(422)
                .contentType("application/problem+json").body("title", equalTo("Refused by policy"))
                .body("reasons[0].policyId", equalTo(policyId)).body("reasons[0].version", equalTo(1))
                .body("reasons[0].message", equalTo("email domain " + blocked + " is blocked"));
        inventory(platform, admin).queryParam("q", "eve@" + blocked).get("/api/v1/guests").then().statusCode(200).body("items", empty());

        String partnerDomain = "partner-" + run + ".example";
        String guestId = inventory(platform, admin).body(invite("ann@" + partnerDomain, run)).post("/api/v1/guests").then().statusCode(201)
                .extract().path("id");
        String partnerId = inventory(platform, admin).get("/api/v1/guests/" + guestId).then().statusCode(200).extract().path("partnerId");
        policies(platform, admin).body(Map.of("name", "A week at most " + run, "mode", "ENFORCE", "scope", Map.of("partnerIds", List.of(partnerId)),
                "rule", Map.of("type", "MAX_GRANT_DURATION", "maxDuration", "P7D"))).post("/api/v1/policies").then().statusCode(201);
        String resourceId = inventory(platform, admin).body(Map.of("name", "Wiki " + run, "type", "APPLICATION", "sensitivity", "GENERAL",
                "owners", List.of("owner-" + run + "@corp.example"))).post("/api/v1/resources").then().statusCode(201).extract().path("id");

        String expiresAt = inventory(platform, admin).body(Map.of("guestId", guestId, "resourceId", resourceId, "role", "reader",
                "justification", "project", "expiresAt", Instant.now().plus(Duration.ofDays(90)).toString())).post("/api/v1/grants").then()
                .statusCode(201).extract().path("expiresAt");
        Instant capped = Instant.parse(expiresAt);
        assertTrue(capped.isBefore(Instant.now().plus(Duration.ofDays(7)).plusSeconds(60)), "expiry capped at a week: " + expiresAt);
    }

    @Test
    void aDomainBlockedLaterTurnsTheGuestsExistingGrantsIntoViolationsThatInventoryRevokes() {
        Platform platform = Platform.get();
        String admin = platform.userToken("admin");
        String auditor = platform.userToken("auditor");
        String run = UUID.randomUUID().toString().substring(0, 8);
        String domain = "soon-blocked-" + run + ".example";
        String guestId = inventory(platform, admin).body(invite("eve@" + domain, run)).post("/api/v1/guests").then().statusCode(201)
                .extract().path("id");
        String partnerId = inventory(platform, admin).get("/api/v1/guests/" + guestId).then().statusCode(200).extract().path("partnerId");
        List<String> grants = new java.util.ArrayList<>();
        for (String sensitivity : List.of("GENERAL", "CONFIDENTIAL")) {
            String resourceId = inventory(platform, admin).body(Map.of("name", "App " + sensitivity + " " + run, "type", "APPLICATION",
                    "sensitivity", sensitivity, "owners", List.of("owner-" + run + "@corp.example"))).post("/api/v1/resources").then().statusCode(201)
                    .extract().path("id");
            grants.add(inventory(platform, admin).body(Map.of("guestId", guestId, "resourceId", resourceId, "role", "reader", "justification", "project"))
                    .post("/api/v1/grants").then().statusCode(201).extract().path("id"));
        }
        // policy-service has heard of both grants before the policy arrives
        Map<String, Object> everyGrant = Map.of("name", "probe " + run, "mode", "REPORT_ONLY", "scope", Map.of("partnerIds", List.of(partnerId)),
                "rule", Map.of("type", "CONDITION", "expression", "false", "message", "probe"));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> policies(platform, auditor).body(everyGrant)
                .post("/api/v1/policies/simulate").then().statusCode(200).extract().<Integer>path("flagged"), flagged -> flagged == 2);

        String policyId = policies(platform, admin).body(Map.of("name", "Block " + domain, "mode", "ENFORCE", "scope", Map.of("partnerIds", List.of(partnerId)),
                "rule", Map.of("type", "PARTNER_DOMAINS", "blockDomains", List.of(domain)))).post("/api/v1/policies").then().statusCode(201)
                .extract().path("id");
        long saved = System.nanoTime();
        // policy-service finds the violations and asks; inventory-service revokes; policy-service hears it and resolves them
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> inventory(platform, auditor)
                .queryParam("guestId", guestId).queryParam("state", "REVOKED").get("/api/v1/grants").then().statusCode(200)
                .extract().<List<String>>path("items.revokedReason"), reasons -> reasons.size() == 2 && reasons.stream().allMatch("POLICY_VIOLATION"::equals));
        System.out.printf("policy saved to both grants revoked by inventory-service: %d ms%n", (System.nanoTime() - saved) / 1_000_000);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().baseUri(platform.endpoint("POLICY_URL"))
                .auth().oauth2(auditor).queryParam("policyId", policyId).get("/api/v1/violations").then().statusCode(200)
                .body("items.size()", equalTo(2)).body("items.state", org.hamcrest.Matchers.everyItem(equalTo("RESOLVED")))
                .body("items.resolution", org.hamcrest.Matchers.everyItem(equalTo("GRANT_REVOKED")))
                .body("items.grantId", org.hamcrest.Matchers.containsInAnyOrder(grants.toArray())));
    }

    @Test
    void aPolicySavedThroughOneInstanceDecidesOnTheOtherWithinSeconds() {
        Platform platform = Platform.get();
        // an earlier test (the fault test) may have killed one instance: up.sh starts what is not running and waits for both
        platform.start("policy");
        List<String> instances = platform.urls("policy");
        org.junit.jupiter.api.Assumptions.assumeTrue(instances.size() > 1, "one policy-service instance in this run");
        String admin = platform.userToken("admin");
        String run = UUID.randomUUID().toString().substring(0, 8);
        String blocked = "foe-" + run + ".example";
        Map<String, Object> question = Map.of("subject", Map.of("type", "guest", "id", "x@" + blocked, "properties", Map.of("email", "x@" + blocked)),
                "action", Map.of("name", "invite"), "resource", Map.of("type", "directory", "id", "guests"));
        given().baseUri(instances.get(1)).auth().oauth2(admin).contentType(ContentType.JSON).body(question).post("/access/v1/evaluation").then()
                .statusCode(200).body("decision", equalTo(true));

        long saved = System.nanoTime();
        given().baseUri(instances.get(0)).auth().oauth2(admin).contentType(ContentType.JSON).body(Map.of("name", "No foes " + run, "mode", "ENFORCE",
                "rule", Map.of("type", "PARTNER_DOMAINS", "blockDomains", List.of(blocked)))).post("/api/v1/policies").then().statusCode(201);
        // the other instance reloads when it sees the change (it looks every second); 5 s is the bound, the figure is printed
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).until(() -> given().baseUri(instances.get(1))
                .auth().oauth2(admin).contentType(ContentType.JSON).body(question).post("/access/v1/evaluation").then().statusCode(200)
                .extract().<Boolean>path("decision"), decision -> !decision);
        System.out.printf("policy change seen by the other instance after %d ms%n", (System.nanoTime() - saved) / 1_000_000);
    }

    @Test
    void aRevokedGrantChangesTheNextDecisionOfEveryPolicyServiceInstanceWithinASecondOfEachOther() {
        Platform platform = Platform.get();
        platform.start("policy");
        List<String> instances = platform.urls("policy");
        org.junit.jupiter.api.Assumptions.assumeTrue(instances.size() > 1, "one policy-service instance in this run");
        String admin = platform.userToken("admin");
        String run = UUID.randomUUID().toString().substring(0, 8);
        String guestId = inventory(platform, admin).body(invite("kim@fresh-" + run + ".example", run)).post("/api/v1/guests").then().statusCode(201)
                .extract().path("id");
        String resourceId = inventory(platform, admin).body(Map.of("name", "Board " + run, "type", "APPLICATION", "sensitivity", "GENERAL",
                "owners", List.of("owner-" + run + "@corp.example"))).post("/api/v1/resources").then().statusCode(201).extract().path("id");
        String grantId = inventory(platform, admin).body(Map.of("guestId", guestId, "resourceId", resourceId, "role", "reader", "justification", "board"))
                .post("/api/v1/grants").then().statusCode(201).extract().path("id");
        Map<String, Object> question = Map.of("subject", Map.of("type", "guest", "id", guestId), "action", Map.of("name", "access"),
                "resource", Map.of("type", "resource", "id", resourceId));
        for (String instance : instances) {
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> decides(instance, admin, question));
        }

        inventory(platform, admin).body(Map.of("reason", "board left")).delete("/api/v1/grants/" + grantId).then().statusCode(200);
        long revoked = System.nanoTime();
        long[] seen = new long[instances.size()];
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> {
            for (int i = 0; i < instances.size(); i++) {
                if (seen[i] == 0 && !decides(instances.get(i), admin, question)) {
                    seen[i] = System.nanoTime();
                }
            }
            return java.util.Arrays.stream(seen).allMatch(t -> t != 0);
        });
        long first = java.util.Arrays.stream(seen).min().orElseThrow();
        long last = java.util.Arrays.stream(seen).max().orElseThrow();
        System.out.printf("revoked grant denied by the first policy-service instance after %d ms, by the last after %d ms%n",
                (first - revoked) / 1_000_000, (last - revoked) / 1_000_000);
        assertTrue(last - first < 1_000_000_000L, "every instance follows every partition: the others decide within a second of the first");
        given().baseUri(instances.get(instances.size() - 1)).auth().oauth2(admin).contentType(ContentType.JSON).body(question)
                .post("/access/v1/evaluation").then().statusCode(200).body("context.reasons[0].rule", equalTo("GRANT"));
    }

    private static boolean decides(String instance, String token, Map<String, Object> question) {
        return given().baseUri(instance).auth().oauth2(token).contentType(ContentType.JSON).body(question).post("/access/v1/evaluation").then()
                .statusCode(200).extract().path("decision");
    }

    @Test
    void whilePolicyServiceIsStoppedAnInviteIs503AndCreatesNothing() {
        Platform platform = Platform.get();
        String admin = platform.userToken("admin");
        String run = UUID.randomUUID().toString().substring(0, 8);
        String email = "tom@waiting-" + run + ".example";
        platform.stop("policy");
        try {
            inventory(platform, admin).body(invite(email, run)).post("/api/v1/guests").then().statusCode(503)
                    .contentType("application/problem+json").header("Retry-After", equalTo("2"))
                    .body("detail", containsString("fail closed"));
            inventory(platform, admin).queryParam("q", email).get("/api/v1/guests").then().statusCode(200).body("items", empty());
        } finally {
            platform.start("policy");
        }
        inventory(platform, admin).body(invite(email, run)).post("/api/v1/guests").then().statusCode(201);
    }

    @Test
    void anOwnerGovernsAccessToTheirResourcesInADelegatedScenarioAndIsRefusedInAnItGovernedOne() {
        Platform platform = Platform.get();
        String admin = platform.userToken("admin");
        String owner = platform.userToken("owner"); // owner@example.com, role portcullis-owner
        String run = UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> resources = new java.util.HashMap<>();
        for (String model : List.of("DELEGATED", "IT_GOVERNED")) {
            String scenario = policies(platform, admin).body(Map.of("name", model + " " + run, "controlModel", model)).post("/api/v1/scenarios")
                    .then().statusCode(201).extract().path("id");
            resources.put(model, inventory(platform, admin).body(Map.of("name", model + " app " + run, "type", "APPLICATION", "sensitivity", "GENERAL",
                    "scenarioId", scenario, "owners", List.of("owner@example.com"))).post("/api/v1/resources").then().statusCode(201).extract().path("id"));
        }
        Map<String, Object> invite = new java.util.HashMap<>(invite("dan@delegated-" + run + ".example", run));

        // IT-governed: the owner may neither invite, grant nor revoke; the reason is the control model's
        invite.put("resourceId", resources.get("IT_GOVERNED"));
        inventory(platform, owner).body(invite).post("/api/v1/guests").then().statusCode(422)
                .body("reasons[0].rule", equalTo("CONTROL_MODEL")).body("reasons[0].message", equalTo("IT-governed: only an admin may invite"));
        // delegated: the owner invites to their resource and grants it
        invite.put("resourceId", resources.get("DELEGATED"));
        String guestId = inventory(platform, owner).body(invite).post("/api/v1/guests").then().statusCode(201)
                .body("invitedBy", equalTo("owner@example.com")).extract().path("id");
        String delegatedGrant = inventory(platform, owner).body(Map.of("guestId", guestId, "resourceId", resources.get("DELEGATED"), "role", "reader",
                "justification", "joint project")).post("/api/v1/grants").then().statusCode(201).extract().path("id");
        inventory(platform, owner).body(Map.of("guestId", guestId, "resourceId", resources.get("IT_GOVERNED"), "role", "reader",
                "justification", "joint project")).post("/api/v1/grants").then().statusCode(422).body("reasons[0].rule", equalTo("CONTROL_MODEL"));
        String itGrant = inventory(platform, admin).body(Map.of("guestId", guestId, "resourceId", resources.get("IT_GOVERNED"), "role", "reader",
                "justification", "IT decided")).post("/api/v1/grants").then().statusCode(201).extract().path("id");
        inventory(platform, owner).body(Map.of("reason", "not mine to end")).delete("/api/v1/grants/" + itGrant).then().statusCode(422)
                .body("reasons[0].message", equalTo("IT-governed: only an admin may revoke"));
        inventory(platform, owner).body(Map.of("reason", "project over")).delete("/api/v1/grants/" + delegatedGrant).then().statusCode(200)
                .body("state", equalTo("REVOKED"));
        inventory(platform, admin).get("/api/v1/grants/" + itGrant).then().body("state", equalTo("ACTIVE"));
    }

    private static Map<String, Object> invite(String email, String run) {
        return Map.of("email", email, "displayName", "Guest " + run, "homeTenantId", "tenant-" + email.substring(email.indexOf('@') + 1),
                "homeSubject", "subject-" + run, "sponsors", List.of("sponsor-" + run + "@corp.example"));
    }

    private static RequestSpecification inventory(Platform platform, String token) {
        return given().baseUri(platform.endpoint("INVENTORY_URL")).auth().oauth2(token).contentType(ContentType.JSON);
    }

    private static RequestSpecification policies(Platform platform, String token) {
        return given().baseUri(platform.endpoint("POLICY_URL")).auth().oauth2(token).contentType(ContentType.JSON);
    }
}

package dev.portcullis.policy;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.events.AccessGranted;
import dev.portcullis.events.GuestInvited;
import dev.portcullis.events.ResourceUpserted;
import dev.portcullis.testsupport.KafkaResource;
import dev.portcullis.testsupport.KafkaTestClient;
import dev.portcullis.testsupport.PostgresResource;
import dev.portcullis.testsupport.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Policies decide through the AuthZEN evaluation API: for each rule type an allow and a deny, with
 * the policy's reasons (id, version, message) and obligations. Policies are global, so each test
 * scopes its own to a partner of its own and asks about a guest of that partner.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
class PolicyDecisionTest {

    private static final String PDP = TestTokens.withRole("inventory-service", "portcullis-pdp");

    @Test
    void partnerDomainsBlockAListedDomainAndItsSubdomainsOrAllowOnlyListedOnes() {
        String partner = UUID.randomUUID().toString();
        String blocking = policy(partner, "ENFORCE", Map.of("type", "PARTNER_DOMAINS", "blockDomains", List.of("rival.example")));

        evaluate(guest(partner, "eve@rival.example"), "invite", directory()).body("decision", equalTo(false))
                .body("context.reasons[0].policyId", equalTo(blocking)).body("context.reasons[0].version", equalTo(1))
                .body("context.reasons[0].rule", equalTo("PARTNER_DOMAINS"))
                .body("context.reasons[0].message", equalTo("email domain rival.example is blocked"));
        evaluate(guest(partner, "eve@mail.rival.example"), "invite", directory()).body("decision", equalTo(false));
        evaluate(guest(partner, "ann@contoso.example"), "invite", directory()).body("decision", equalTo(true))
                .body("context.reasons", empty()).body("context.policies.policyId", contains(blocking));

        String other = UUID.randomUUID().toString();
        policy(other, "ENFORCE", Map.of("type", "PARTNER_DOMAINS", "allowDomains", List.of("contoso.example")));
        evaluate(guest(other, "ann@contoso.example"), "invite", directory()).body("decision", equalTo(true));
        evaluate(guest(other, "ann@fabrikam.example"), "invite", directory()).body("decision", equalTo(false))
                .body("context.reasons[0].message", equalTo("email domain fabrikam.example is not on the allow list"));
    }

    @Test
    void partnerStateAllowsOnlyTheListedStatesAndAnUnknownPartnerIsDenied() {
        String partner = UUID.randomUUID().toString();
        policy(partner, "ENFORCE", Map.of("type", "PARTNER_STATE", "allowedStates", List.of("CONNECTED")));
        evaluate(guest(partner, "a@contoso.example", Map.of("partnerState", "CONNECTED")), "invite", directory()).body("decision", equalTo(true));
        evaluate(guest(partner, "a@contoso.example", Map.of("partnerState", "PROPOSED")), "invite", directory()).body("decision", equalTo(false))
                .body("context.reasons[0].message", containsString("PROPOSED"));
        evaluate(guest(partner, "a@contoso.example"), "invite", directory()).body("decision", equalTo(false))
                .body("context.reasons[0].message", equalTo("the guest's organization is not a known partner"));
    }

    @Test
    void aSensitivityCeilingDeniesMoreSensitiveResourcesAndLeavesInvitesAlone() {
        String partner = UUID.randomUUID().toString();
        policy(partner, "ENFORCE", Map.of("type", "SENSITIVITY_CEILING", "maxSensitivity", "GENERAL"));
        evaluate(guest(partner, "a@contoso.example"), "grant", resource(Map.of("sensitivity", "CONFIDENTIAL"))).body("decision", equalTo(false))
                .body("context.reasons[0].message", equalTo("the resource is CONFIDENTIAL, above the ceiling of GENERAL"));
        evaluate(guest(partner, "a@contoso.example"), "grant", resource(Map.of("sensitivity", "GENERAL"))).body("decision", equalTo(true));
        evaluate(guest(partner, "a@contoso.example"), "invite", directory()).body("decision", equalTo(true)).body("context.policies", empty());
    }

    @Test
    void aResourcesSensitivityComesFromTheReadModelWhenTheRequestDoesNotSayIt() {
        String partner = UUID.randomUUID().toString();
        policy(partner, "ENFORCE", Map.of("type", "SENSITIVITY_CEILING", "maxSensitivity", "GENERAL"));
        String resourceId = UUID.randomUUID().toString();
        new KafkaTestClient(KafkaResource.bootstrapServers()).publish(new ResourceUpserted(resourceId, "Payroll", "APPLICATION",
                "HIGHLY_CONFIDENTIAL", null, List.of("owner@contoso.example"), "admin", "created"));

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> evaluate(guest(partner, "a@contoso.example"), "access",
                Map.of("type", "resource", "id", resourceId)).body("decision", equalTo(false))
                .body("context.reasons[0].message", containsString("HIGHLY_CONFIDENTIAL")));
    }

    @Test
    void aMaximumGrantDurationObligesAnExpiryNoLaterThanNowPlusThePeriod() {
        String partner = UUID.randomUUID().toString();
        String capping = policy(partner, "ENFORCE", Map.of("type", "MAX_GRANT_DURATION", "maxDuration", "P30D"));
        Instant before = Instant.now();
        String notAfter = evaluate(guest(partner, "a@contoso.example"), "grant", resource(Map.of("sensitivity", "GENERAL")))
                .body("decision", equalTo(true)).body("context.obligations[0].type", equalTo("expiresAt"))
                .body("context.obligations[0].policyId", equalTo(capping)).body("context.obligations[0].version", equalTo(1))
                .extract().path("context.obligations[0].notAfter");
        Instant limit = Instant.parse(notAfter);
        assertTrue(!limit.isBefore(before.plus(30, ChronoUnit.DAYS)) && limit.isBefore(Instant.now().plus(30, ChronoUnit.DAYS).plusSeconds(1)), notAfter);
        evaluate(guest(partner, "a@contoso.example"), "invite", directory()).body("context.obligations", empty());
    }

    @Test
    void anAccessPackageIsHeldToItsScenariosCeilingAndMaximumDurationAndToNothingAboutPeople() {
        String scenario = scenario("SELF_SERVICE");
        String ceiling = given().auth().oauth2(TestTokens.admin()).contentType(ContentType.JSON).body(Map.of("name", "Ceiling " + UUID.randomUUID(),
                "mode", "ENFORCE", "scope", Map.of("scenarioIds", List.of(scenario)), "rule", Map.of("type", "SENSITIVITY_CEILING", "maxSensitivity",
                        "GENERAL"))).post("/api/v1/policies").then().statusCode(201).extract().path("id");
        String longest = given().auth().oauth2(TestTokens.admin()).contentType(ContentType.JSON).body(Map.of("name", "At most 90 days " + UUID.randomUUID(),
                "mode", "ENFORCE", "scope", Map.of("scenarioIds", List.of(scenario)), "rule", Map.of("type", "MAX_GRANT_DURATION", "maxDuration",
                        "P90D"))).post("/api/v1/policies").then().statusCode(201).extract().path("id");
        // a rule about people, on the same scenario: an offer has nobody to check yet (delivery checks each requester)
        given().auth().oauth2(TestTokens.admin()).contentType(ContentType.JSON).body(Map.of("name", "Allow list " + UUID.randomUUID(),
                "mode", "ENFORCE", "scope", Map.of("scenarioIds", List.of(scenario)), "rule", Map.of("type", "PARTNER_DOMAINS", "allowDomains",
                        List.of("contoso.example")))).post("/api/v1/policies").then().statusCode(201);
        Map<String, Object> owner = Map.of("type", "user", "id", "owner@corp.example");

        evaluate(owner, "offer", accessPackage(scenario, "CONFIDENTIAL"), Map.of("duration", "P120D")).body("decision", equalTo(false))
                // both refuse it, each with its own reason (the reasons come in the policies' order, not in the order they were made)
                .body("context.reasons.policyId", containsInAnyOrder(ceiling, longest))
                .body("context.reasons.find { it.rule == 'SENSITIVITY_CEILING' }.message",
                        equalTo("the package gives access to a CONFIDENTIAL resource, above the ceiling of GENERAL"))
                .body("context.reasons.find { it.rule == 'MAX_GRANT_DURATION' }.message", containsString("at most P90D is allowed"));
        evaluate(owner, "offer", accessPackage(scenario, "GENERAL"), Map.of("duration", "P90D")).body("decision", equalTo(true))
                .body("context.reasons", empty());
        evaluate(owner, "offer", accessPackage(scenario, "GENERAL"), Map.of("expiresAt", Instant.now().plus(91, ChronoUnit.DAYS).toString()))
                .body("decision", equalTo(false)).body("context.reasons.policyId", contains(longest));
        evaluate(owner, "offer", accessPackage(scenario, "PUBLIC"), null).body("decision", equalTo(false))
                .body("context.reasons[0].message", equalTo("the package's assignments have no end; at most P90D is allowed"));
        // another scenario's guard rails are not this package's
        evaluate(owner, "offer", accessPackage(scenario("SELF_SERVICE"), "HIGHLY_CONFIDENTIAL"), Map.of("duration", "P365D"))
                .body("decision", equalTo(true));
        given().auth().oauth2(PDP).contentType(ContentType.JSON).body(request(owner, "offer", accessPackage(scenario, "GENERAL"),
                Map.of("duration", "ninety days"))).post("/access/v1/evaluation").then().statusCode(400)
                .body("errors[0].field", equalTo("context.duration"));
    }

    @Test
    void sponsorsRequiredDeniesAGuestWithTooFew() {
        String partner = UUID.randomUUID().toString();
        policy(partner, "ENFORCE", Map.of("type", "SPONSORS_REQUIRED", "minSponsors", 2));
        evaluate(guest(partner, "a@contoso.example", Map.of("sponsors", List.of("s1@corp.example"))), "invite", directory())
                .body("decision", equalTo(false)).body("context.reasons[0].message", equalTo("1 sponsor(s); at least 2 required"));
        evaluate(guest(partner, "a@contoso.example", Map.of("sponsors", List.of("s1@corp.example", "s2@corp.example"))), "invite", directory())
                .body("decision", equalTo(true));
    }

    @Test
    void invitersFollowTheScenariosControlModel() {
        String partner = UUID.randomUUID().toString();
        policy(partner, "ENFORCE", Map.of("type", "INVITERS"));
        Map<String, Object> delegated = resource(Map.of("sensitivity", "GENERAL", "scenarioId", scenario("DELEGATED"), "owners", List.of("Olga@corp.example")));
        Map<String, Object> selfService = resource(Map.of("sensitivity", "GENERAL", "scenarioId", scenario("SELF_SERVICE"), "owners", List.of("olga@corp.example")));
        Map<String, Object> itGoverned = resource(Map.of("sensitivity", "GENERAL", "scenarioId", scenario("IT_GOVERNED"), "owners", List.of("olga@corp.example")));
        Map<String, Object> guest = guest(partner, "a@contoso.example");

        evaluate(guest, "grant", delegated, requester("olga@corp.example", "portcullis-owner")).body("decision", equalTo(true));
        evaluate(guest, "grant", delegated, requester("admin@corp.example", "portcullis-admin")).body("decision", equalTo(true));
        evaluate(guest, "grant", delegated, requester("sam@corp.example", "portcullis-owner")).body("decision", equalTo(false))
                .body("context.reasons[0].message", containsString("delegated"));
        evaluate(guest, "grant", itGoverned, requester("olga@corp.example", "portcullis-owner")).body("decision", equalTo(false))
                .body("context.reasons[0].message", containsString("IT-governed"));
        evaluate(guest, "grant", selfService, requester("sam@corp.example")).body("decision", equalTo(true))
                .body("context.obligations[0].type", equalTo("ownerApproval")).body("context.obligations[0].approvers", contains("olga@corp.example"));
        evaluate(guest, "grant", selfService, requester("olga@corp.example")).body("decision", equalTo(true)).body("context.obligations", empty());
        // a SCIM client is IT's provisioning: it invites to the directory as an admin would, and that is all it does as one
        evaluate(guest, "invite", directory(), requester("service-account-portcullis-scim", "portcullis-scim")).body("decision", equalTo(true));
        evaluate(guest, "invite", directory(), requester("olga@corp.example", "portcullis-owner")).body("decision", equalTo(false));
        evaluate(guest, "grant", itGoverned, requester("service-account-portcullis-scim", "portcullis-scim")).body("decision", equalTo(false));
    }

    @Test
    void anOwnersOwnActionsAreBoundedByTheControlModelWithNoPolicyAtAll() {
        Map<String, Object> guest = guest(UUID.randomUUID().toString(), "a@contoso.example");
        Map<String, Object> delegated = resource(Map.of("sensitivity", "GENERAL", "scenarioId", scenario("DELEGATED"), "owners", List.of("olga@corp.example")));
        Map<String, Object> itGoverned = resource(Map.of("sensitivity", "GENERAL", "scenarioId", scenario("IT_GOVERNED"), "owners", List.of("olga@corp.example")));

        for (String action : List.of("grant", "revoke")) {
            evaluate(guest, action, itGoverned, requester("olga@corp.example", "portcullis-owner")).body("decision", equalTo(false))
                    .body("context.reasons[0].rule", equalTo("CONTROL_MODEL")).body("context.reasons[0].message", equalTo("IT-governed: only an admin may " + action));
            evaluate(guest, action, delegated, requester("olga@corp.example", "portcullis-owner")).body("decision", equalTo(true));
            evaluate(guest, action, delegated, requester("sam@corp.example", "portcullis-owner")).body("decision", equalTo(false))
                    .body("context.reasons[0].rule", equalTo("CONTROL_MODEL"));
        }
        evaluate(guest, "invite", itGoverned, requester("olga@corp.example", "portcullis-owner")).body("decision", equalTo(false));
        evaluate(guest, "invite", delegated, requester("olga@corp.example", "portcullis-owner")).body("decision", equalTo(true));
        // an admin, or a caller that is no owner, is not acting by delegation: the policies alone decide
        evaluate(guest, "grant", itGoverned, requester("admin@corp.example", "portcullis-admin")).body("decision", equalTo(true));
        evaluate(guest, "grant", itGoverned).body("decision", equalTo(true));
    }

    @Test
    void maxInactivityDeniesUseAfterTooLongWithoutASignIn() {
        String partner = UUID.randomUUID().toString();
        policy(partner, "ENFORCE", Map.of("type", "MAX_INACTIVITY_DAYS", "maxInactiveDays", 90));
        evaluate(guest(partner, "a@contoso.example", Map.of("inactiveDays", 120)), "access", resource(Map.of("sensitivity", "GENERAL")))
                .body("decision", equalTo(false)).body("context.reasons[0].message", equalTo("no sign-in for 120 days; at most 90 allowed"));
        evaluate(guest(partner, "a@contoso.example", Map.of("inactiveDays", 10)), "access", resource(Map.of("sensitivity", "GENERAL")))
                .body("decision", equalTo(true));
    }

    @Test
    void directoryVisibilityIsAnObligationForTheResourceServer() {
        String partner = UUID.randomUUID().toString();
        policy(partner, "ENFORCE", Map.of("type", "DIRECTORY_VISIBILITY", "visibility", "SAME_PARTNER"));
        evaluate(guest(partner, "a@contoso.example"), "access", resource(Map.of("sensitivity", "GENERAL"))).body("decision", equalTo(true))
                .body("context.obligations[0].type", equalTo("directoryVisibility")).body("context.obligations[0].visibility", equalTo("SAME_PARTNER"));
    }

    @Test
    void aCelConditionDeniesWithItsMessageWhenFalseAndWhenItCannotBeEvaluated() {
        String partner = UUID.randomUUID().toString();
        policy(partner, "ENFORCE", Map.of("type", "CONDITION", "message", "partners' people may not hold the crown jewels",
                "expression", "resource.sensitivity != 'HIGHLY_CONFIDENTIAL' || 'portcullis-admin' in context.requester.roles"));
        evaluate(guest(partner, "a@contoso.example"), "grant", resource(Map.of("sensitivity", "HIGHLY_CONFIDENTIAL")), requester("olga@corp.example"))
                .body("decision", equalTo(false)).body("context.reasons[0].rule", equalTo("CONDITION"))
                .body("context.reasons[0].message", equalTo("partners' people may not hold the crown jewels"));
        evaluate(guest(partner, "a@contoso.example"), "grant", resource(Map.of("sensitivity", "HIGHLY_CONFIDENTIAL")),
                requester("admin@corp.example", "portcullis-admin")).body("decision", equalTo(true));
        evaluate(guest(partner, "a@contoso.example"), "grant", resource(Map.of("sensitivity", "GENERAL")), requester("olga@corp.example"))
                .body("decision", equalTo(true));

        String other = UUID.randomUUID().toString();
        policy(other, "ENFORCE", Map.of("type", "CONDITION", "expression", "subject.partnerState == 'CONNECTED'"));
        String third = UUID.randomUUID().toString();
        // the standard macros: has() tests for a fact nobody may know, exists() over a list
        policy(third, "ENFORCE", Map.of("type", "CONDITION", "expression",
                "!has(subject.inactiveDays) || subject.inactiveDays < 30 || subject.sponsors.exists(s, s.endsWith('@corp.example'))"));
        evaluate(guest(third, "a@contoso.example"), "access", directory()).body("decision", equalTo(true));
        evaluate(guest(third, "a@contoso.example", Map.of("inactiveDays", 45, "sponsors", List.of("x@elsewhere.example"))), "access", directory())
                .body("decision", equalTo(false));
        evaluate(guest(third, "a@contoso.example", Map.of("inactiveDays", 45, "sponsors", List.of("s@corp.example"))), "access", directory())
                .body("decision", equalTo(true));
        evaluate(guest(other, "a@contoso.example", Map.of("partnerState", "CONNECTED")), "invite", directory()).body("decision", equalTo(true));
        // nobody knows the partner's state: the expression fails, and the decision is a denial (fail closed)
        evaluate(guest(other, "a@contoso.example"), "invite", directory()).body("decision", equalTo(false))
                .body("context.reasons[0].message", containsString("could not be evaluated"));
    }

    @Test
    void attributesBesideTypeAndIdAreProperties() {
        // the AuthZEN interop drafts send ownerID beside type and id, not in properties
        String partner = UUID.randomUUID().toString();
        policy(partner, "ENFORCE", Map.of("type", "CONDITION", "expression",
                "action.name != 'can_update_todo' || (has(resource.ownerID) && resource.ownerID == subject.id)"));
        Map<String, Object> morty = Map.of("type", "user", "id", "morty@the-citadel.com", "properties", Map.of("partnerId", partner));
        evaluate(morty, "can_update_todo", Map.of("type", "todo", "id", "t1", "ownerID", "morty@the-citadel.com")).body("decision", equalTo(true));
        evaluate(morty, "can_update_todo", Map.of("type", "todo", "id", "t2", "ownerID", "rick@the-citadel.com")).body("decision", equalTo(false));
        // properties win over the same attribute beside them
        evaluate(morty, "can_update_todo", Map.of("type", "todo", "id", "t3", "ownerID", "rick@the-citadel.com",
                "properties", Map.of("ownerID", "morty@the-citadel.com"))).body("decision", equalTo(true));
    }

    /**
     * The directory (a policy information point): a PEP names its user by an opaque id, and the decision point knows the user's
     * roles itself, and a resource's attributes. Found by id, or by the identity some clients send beside it; the request's own
     * attributes win.
     */
    @Test
    void theDirectoryGivesAnOpaqueSubjectItsAttributesAndAChangeDecidesAtOnce() {
        String partner = UUID.randomUUID().toString();
        policy(partner, "ENFORCE", Map.of("type", "CONDITION", "message", "pilots only",
                "expression", "action.name != 'can_launch' || (has(subject.roles) && 'pilot' in subject.roles && !(has(resource.grounded) && resource.grounded))"));
        String pilot = "CiR" + UUID.randomUUID();
        String passenger = "CiR" + UUID.randomUUID();
        String path = "/api/v1/directory/user/";
        given().auth().oauth2(TestTokens.admin()).contentType(ContentType.JSON)
                .body(Map.of("properties", Map.of("partnerId", partner, "email", "rick@the-citadel.example", "roles", List.of("pilot", "admin"))))
                .put(path + pilot).then().statusCode(200).body("properties.roles", equalTo(List.of("pilot", "admin"))).body("updatedBy", equalTo("admin"));
        given().auth().oauth2(TestTokens.admin()).contentType(ContentType.JSON)
                .body(Map.of("properties", Map.of("partnerId", partner, "roles", List.of("passenger")))).put(path + passenger).then().statusCode(200);
        Map<String, Object> rocket = Map.of("type", "rocket", "id", "r1");

        evaluate(Map.of("type", "user", "id", pilot), "can_launch", rocket).body("decision", equalTo(true));
        // a resource that is not Portcullis's has its attributes in the directory too
        String grounded = "r-" + UUID.randomUUID();
        given().auth().oauth2(TestTokens.admin()).contentType(ContentType.JSON).body(Map.of("properties", Map.of("grounded", true)))
                .put("/api/v1/directory/rocket/" + grounded).then().statusCode(200);
        evaluate(Map.of("type", "user", "id", pilot), "can_launch", Map.of("type", "rocket", "id", grounded)).body("decision", equalTo(false));
        evaluate(Map.of("type", "user", "id", passenger), "can_launch", rocket).body("decision", equalTo(false))
                .body("context.reasons[0].message", equalTo("pilots only"));
        // found by identity when the id is not the directory's (an interop draft's shape); a type is part of the name
        evaluate(Map.of("type", "user", "id", "rick@the-citadel.example", "identity", pilot), "can_launch", rocket).body("decision", equalTo(true));
        evaluate(Map.of("type", "user", "id", passenger, "properties", Map.of("roles", List.of("pilot"))), "can_launch", rocket)
                .body("decision", equalTo(true));
        batch(Map.of("action", Map.of("name", "can_launch"), "resource", rocket, "evaluations", List.of(
                Map.of("subject", Map.of("type", "user", "id", pilot)), Map.of("subject", Map.of("type", "user", "id", passenger)))))
                .statusCode(200).body("evaluations.decision", equalTo(List.of(true, false)));

        // a change decides at once; a subject forgotten is one nobody knows
        given().auth().oauth2(TestTokens.admin()).contentType(ContentType.JSON)
                .body(Map.of("properties", Map.of("partnerId", partner, "roles", List.of("retired")))).put(path + pilot).then().statusCode(200);
        evaluate(Map.of("type", "user", "id", pilot), "can_launch", rocket).body("decision", equalTo(false));
        given().auth().oauth2(TestTokens.auditor()).get(path + pilot).then().statusCode(200).body("properties.roles", equalTo(List.of("retired")));
        given().auth().oauth2(TestTokens.admin()).delete(path + pilot).then().statusCode(204);
        given().auth().oauth2(TestTokens.admin()).get(path + pilot).then().statusCode(404);
        given().auth().oauth2(TestTokens.admin()).delete(path + pilot).then().statusCode(404);

        // bad input is a 400 naming the field, and writes nothing; only admins write, admins and auditors read
        given().auth().oauth2(TestTokens.admin()).contentType(ContentType.JSON).body(Map.of()).put(path + pilot).then().statusCode(400)
                .body("errors[0].field", equalTo("properties"));
        given().auth().oauth2(TestTokens.admin()).contentType(ContentType.JSON).body(Map.of("properties", Map.of("blob", "x".repeat(20_000))))
                .put(path + pilot).then().statusCode(400).body("errors[0].field", equalTo("properties"));
        given().auth().oauth2(TestTokens.admin()).contentType(ContentType.JSON).body(Map.of("properties", Map.of("roles", List.of("pi\u0000lot"))))
                .put(path + pilot).then().statusCode(400).body("errors[0].field", equalTo("properties.roles"));
        given().urlEncodingEnabled(false).auth().oauth2(TestTokens.admin()).contentType(ContentType.JSON).body(Map.of("properties", Map.of()))
                .put(path + "pi%00lot").then().statusCode(400).body("errors[0].field", equalTo("id"));
        given().auth().oauth2(TestTokens.admin()).get(path + pilot).then().statusCode(404);
        given().contentType(ContentType.JSON).body(Map.of("properties", Map.of())).put(path + pilot).then().statusCode(401);
        given().get(path + pilot).then().statusCode(401);
        given().delete(path + pilot).then().statusCode(401);
        given().auth().oauth2(TestTokens.auditor()).contentType(ContentType.JSON).body(Map.of("properties", Map.of())).put(path + pilot).then().statusCode(403);
        given().auth().oauth2(TestTokens.auditor()).delete(path + passenger).then().statusCode(403);
        given().auth().oauth2(PDP).get(path + passenger).then().statusCode(403);

        // the SOC's feed has the administrator's writes to the directory, and none of the refused ones: written twice, deleted
        KafkaTestClient kafka = new KafkaTestClient(KafkaResource.bootstrapServers());
        List<Long> changes = await().atMost(Duration.ofSeconds(10)).until(() -> kafka.ocsfRecords("user/" + pilot).stream()
                .map(r -> r.path("type_uid").asLong()).toList(), c -> c.size() >= 3);
        assertEquals(List.of(300403L, 300403L, 300404L), changes);
    }

    @Test
    void reportOnlyNeverDeniesButSaysWhatItWouldHaveDone() {
        String partner = UUID.randomUUID().toString();
        String reporting = policy(partner, "REPORT_ONLY", Map.of("type", "PARTNER_DOMAINS", "blockDomains", List.of("rival.example")));
        evaluate(guest(partner, "eve@rival.example"), "invite", directory()).body("decision", equalTo(true)).body("context.reasons", empty())
                .body("context.findings[0].policyId", equalTo(reporting))
                .body("context.findings[0].message", equalTo("would deny: email domain rival.example is blocked"));
    }

    @Test
    void everyChangeIsANewVersionTheDecisionsNameAndOldVersionsStayReadable() {
        String partner = UUID.randomUUID().toString();
        String id = policy(partner, "ENFORCE", Map.of("type", "PARTNER_DOMAINS", "blockDomains", List.of("rival.example")));
        given().auth().oauth2(TestTokens.admin()).contentType(ContentType.JSON)
                .body(Map.of("name", "No rivals, nor foes", "mode", "ENFORCE", "scope", Map.of("partnerIds", List.of(partner)),
                        "rule", Map.of("type", "PARTNER_DOMAINS", "blockDomains", List.of("rival.example", "foe.example"))))
                .put("/api/v1/policies/" + id).then().statusCode(200).body("version", equalTo(2));
        evaluate(guest(partner, "x@foe.example"), "invite", directory()).body("decision", equalTo(false))
                .body("context.reasons[0].version", equalTo(2));

        given().auth().oauth2(TestTokens.auditor()).queryParam("version", 1).get("/api/v1/policies/" + id).then().statusCode(200)
                .body("version", equalTo(1)).body("rule.blockDomains", contains("rival.example"));
        given().auth().oauth2(TestTokens.auditor()).get("/api/v1/policies/" + id + "/versions").then().statusCode(200)
                .body("version", contains(1, 2));

        given().auth().oauth2(TestTokens.admin()).delete("/api/v1/policies/" + id).then().statusCode(200).body("version", equalTo(3))
                .body("deleted", equalTo(true));
        evaluate(guest(partner, "x@foe.example"), "invite", directory()).body("decision", equalTo(true));
        given().auth().oauth2(TestTokens.auditor()).get("/api/v1/policies/" + id).then().statusCode(404);
        given().auth().oauth2(TestTokens.auditor()).queryParam("version", 2).get("/api/v1/policies/" + id).then().statusCode(200);
        given().auth().oauth2(TestTokens.admin()).contentType(ContentType.JSON)
                .body(Map.of("name", "x", "mode", "ENFORCE", "rule", Map.of("type", "INVITERS"))).put("/api/v1/policies/" + id).then().statusCode(404);

        // the SOC's feed has each version, in order, on the policy's key: created, changed, deleted, by whom
        KafkaTestClient kafka = new KafkaTestClient(KafkaResource.bootstrapServers());
        List<com.fasterxml.jackson.databind.JsonNode> feed = await().atMost(Duration.ofSeconds(10)).until(() -> kafka.ocsfRecords(id),
                f -> f.size() == 3);
        assertEquals(List.of(300401L, 300403L, 300404L), feed.stream().map(e -> e.path("type_uid").asLong()).toList());
        assertEquals(List.of("1", "2", "3"), feed.stream().map(e -> e.at("/entity/version").asText()).toList());
        assertEquals(List.of(false, true, true), feed.stream().map(e -> "No rivals, nor foes".equals(e.at("/entity/name").asText())).toList());
        assertTrue(feed.stream().allMatch(e -> dev.portcullis.events.EventSchemas.ocsfViolations(e).isEmpty()));
    }

    @Test
    void aBatchAppliesTheRequestsDefaultsAndEachOfTheThreeSemantics() {
        String partner = UUID.randomUUID().toString();
        policy(partner, "ENFORCE", Map.of("type", "SENSITIVITY_CEILING", "maxSensitivity", "GENERAL"));
        Map<String, Object> batch = new HashMap<>(Map.of("subject", guest(partner, "a@contoso.example"), "action", Map.of("name", "grant"),
                "evaluations", List.of(Map.of("resource", resource(Map.of("sensitivity", "PUBLIC"))),
                        Map.of("resource", resource(Map.of("sensitivity", "CONFIDENTIAL"))),
                        Map.of("resource", resource(Map.of("sensitivity", "GENERAL"))))));
        batch(batch).body("evaluations.decision", contains(true, false, true));
        batch.put("options", Map.of("evaluations_semantic", "deny_on_first_deny"));
        batch(batch).body("evaluations.decision", contains(true, false));
        batch.put("options", Map.of("evaluations_semantic", "permit_on_first_permit"));
        batch(batch).body("evaluations.decision", contains(true));
        batch.put("options", Map.of("evaluations_semantic", "whenever"));
        batch(batch).statusCode(400).body("errors[0].field", containsString("evaluations_semantic"));
    }

    @Test
    void badRequestsAreRefusedNamingTheFieldAndChangeNothing() {
        int before = policyCount();
        String partner = UUID.randomUUID().toString();
        createPolicy(partner, "ENFORCE", Map.of("type", "PARTNER_DOMAINS", "allowDomains", List.of("a.example"), "blockDomains", List.of("b.example")))
                .statusCode(400).contentType("application/problem+json").body("errors[0].field", equalTo("rule.blockDomains"));
        createPolicy(partner, "ENFORCE", Map.of("type", "SPONSORS_REQUIRED", "minSponsors", 9)).statusCode(400)
                .body("errors[0].field", equalTo("rule.minSponsors"));
        createPolicy(partner, "ENFORCE", Map.of("type", "SPONSORS_REQUIRED", "minSponsors", 2, "maxSensitivity", "GENERAL")).statusCode(400)
                .body("errors[0].field", equalTo("rule.maxSensitivity"));
        createPolicy(partner, "ENFORCE", Map.of("type", "MAX_GRANT_DURATION", "maxDuration", "90 days")).statusCode(400)
                .body("errors[0].field", equalTo("rule.maxDuration"));
        createPolicy(partner, "ENFORCE", Map.of("type", "MIND_READING")).statusCode(400).body("errors[0].field", equalTo("rule.type"));
        createPolicy(partner, "ALWAYS", Map.of("type", "INVITERS")).statusCode(400).body("errors[0].field", equalTo("mode"));
        createPolicy(partner, "ENFORCE", Map.of("type", "CONDITION", "expression", "subject.email.endsWith('.example') &&")).statusCode(400)
                .body("errors[0].field", equalTo("rule.expression")).body("errors[0].message", containsString("^"));
        createPolicy(partner, "ENFORCE", Map.of("type", "CONDITION", "expression", "size(subject.email) + 1")).statusCode(400)
                .body("errors[0].field", equalTo("rule.expression"));
        createPolicy(partner, "ENFORCE", Map.of("type", "CONDITION", "expression", "user.admin == true")).statusCode(400)
                .body("errors[0].field", equalTo("rule.expression")).body("errors[0].message", containsString("user"));
        given().auth().oauth2(TestTokens.admin()).contentType(ContentType.JSON).body(Map.of("name", "x", "mode", "ENFORCE",
                "scope", Map.of("scenarioIds", List.of(UUID.randomUUID().toString())), "rule", Map.of("type", "INVITERS")))
                .post("/api/v1/policies").then().statusCode(400).body("errors[0].field", equalTo("scope.scenarioIds"));
        given().contentType(ContentType.JSON).body(Map.of("name", "x", "mode", "ENFORCE", "rule", Map.of("type", "INVITERS")))
                .post("/api/v1/policies").then().statusCode(401);
        given().auth().oauth2(TestTokens.auditor()).contentType(ContentType.JSON).body(Map.of("name", "x", "mode", "ENFORCE", "rule", Map.of("type", "INVITERS")))
                .post("/api/v1/policies").then().statusCode(403);
        given().auth().oauth2(PDP).contentType(ContentType.JSON).body(Map.of("name", "x", "mode", "ENFORCE", "rule", Map.of("type", "INVITERS")))
                .put("/api/v1/policies/" + UUID.randomUUID()).then().statusCode(403);
        given().auth().oauth2(PDP).delete("/api/v1/policies/" + UUID.randomUUID()).then().statusCode(403);
        given().delete("/api/v1/policies/" + UUID.randomUUID()).then().statusCode(401);
        given().get("/api/v1/policies").then().statusCode(401);
        given().auth().oauth2(TestTokens.signal()).get("/api/v1/policies").then().statusCode(403);
        given().auth().oauth2(TestTokens.signal()).get("/api/v1/policies/" + UUID.randomUUID() + "/versions").then().statusCode(403);
        assertEquals(before, policyCount());

        given().contentType(ContentType.JSON).body(Map.of()).post("/access/v1/evaluation").then().statusCode(401);
        given().auth().oauth2(TestTokens.auditor()).contentType(ContentType.JSON).body(request(guest(partner, "a@b.example"), "invite", directory(), null))
                .post("/access/v1/evaluation").then().statusCode(403);
        given().auth().oauth2(TestTokens.owner("o@example.com")).contentType(ContentType.JSON).body(Map.of()).post("/access/v1/evaluations").then().statusCode(403);
        given().contentType(ContentType.JSON).body(Map.of()).post("/access/v1/evaluations").then().statusCode(401);
        given().auth().oauth2(PDP).contentType(ContentType.JSON).body(Map.of("action", Map.of("name", "invite"), "resource", directory()))
                .post("/access/v1/evaluation").then().statusCode(400).body("errors[0].field", containsString("subject"));
        given().auth().oauth2(PDP).contentType(ContentType.JSON)
                .body(request(guest(partner, "a@b.example", Map.of("inactiveDays", "many")), "access", directory(), null))
                .post("/access/v1/evaluation").then().statusCode(400).body("errors[0].field", equalTo("subject.properties.inactiveDays"));
    }

    @Test
    void everyDecisionReachesTheDecisionLogWithItsReasonsAndVersions() {
        String partner = UUID.randomUUID().toString();
        String blocking = policy(partner, "ENFORCE", Map.of("type", "PARTNER_DOMAINS", "blockDomains", List.of("rival.example")));
        Map<String, Object> eve = guest(partner, "eve@rival.example");
        String subjectId = (String) eve.get("id");
        // the answer names its entry in the log, for the enforcement point to record beside what it did
        String decisionId = evaluate(eve, "invite", directory()).body("decision", equalTo(false)).extract().path("context.decisionId");

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().auth().oauth2(TestTokens.auditor()).queryParam("subjectId", subjectId)
                .get("/api/v1/decisions").then().statusCode(200).body("items", hasSize(1)).body("items[0].id", equalTo(decisionId))
                .body("items[0].decision", equalTo(false))
                .body("items[0].action", equalTo("invite")).body("items[0].resourceType", equalTo("directory"))
                .body("items[0].reasons[0].policyId", equalTo(blocking)).body("items[0].reasons[0].version", equalTo(1))
                .body("items[0].policies[0].policyId", equalTo(blocking)));
        given().auth().oauth2(TestTokens.auditor()).queryParam("policyId", blocking).queryParam("decision", "false").get("/api/v1/decisions")
                .then().statusCode(200).body("items.subjectId", contains(subjectId));
        given().auth().oauth2(TestTokens.auditor()).queryParam("decision", "maybe").get("/api/v1/decisions").then().statusCode(400)
                .body("errors[0].field", equalTo("decision"));
        given().get("/api/v1/decisions").then().statusCode(401);
        given().auth().oauth2(PDP).get("/api/v1/decisions").then().statusCode(403);
    }

    @Test
    void aSimulationFlagsTheExistingGrantsADraftWouldDenyAndChangesNothing() {
        KafkaTestClient kafka = new KafkaTestClient(KafkaResource.bootstrapServers());
        String partner = UUID.randomUUID().toString();
        String guestId = UUID.randomUUID().toString();
        String secret = UUID.randomUUID().toString();
        String open = UUID.randomUUID().toString();
        String secretGrant = UUID.randomUUID().toString();
        kafka.publish(new ResourceUpserted(secret, "Vault " + secret, "APPLICATION", "CONFIDENTIAL", null, List.of("o@corp.example"), "admin", "created"));
        kafka.publish(new ResourceUpserted(open, "Wiki " + open, "APPLICATION", "GENERAL", null, List.of("o@corp.example"), "admin", "created"));
        kafka.publish(new GuestInvited(guestId, "sim@contoso.example", "Sim", partner, "contoso", "sim-1", List.of("s@corp.example"),
                Instant.now(), "admin", "simulation"));
        kafka.publish(new AccessGranted(secretGrant, guestId, secret, "reader", Instant.now(), null, "admin", "x"));
        kafka.publish(new AccessGranted(UUID.randomUUID().toString(), guestId, open, "reader", Instant.now(), null, "admin", "x"));
        int policiesBefore = policyCount();
        Map<String, Object> draft = Map.of("name", "Ceiling draft", "mode", "REPORT_ONLY", "scope", Map.of("partnerIds", List.of(partner)),
                "rule", Map.of("type", "SENSITIVITY_CEILING", "maxSensitivity", "GENERAL"));

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().auth().oauth2(TestTokens.auditor()).contentType(ContentType.JSON)
                .body(draft).post("/api/v1/policies/simulate").then().statusCode(200).body("flagged", equalTo(1))
                .body("grants[0].grantId", equalTo(secretGrant)).body("grants[0].guestId", equalTo(guestId))
                .body("grants[0].message", equalTo("the resource is CONFIDENTIAL, above the ceiling of GENERAL")));
        assertEquals(policiesBefore, policyCount(), "a simulation saves nothing");
        // and decides nothing: a decision for the same guest is still allowed
        evaluate(guest(partner, "sim@contoso.example"), "access", Map.of("type", "resource", "id", secret)).body("decision", equalTo(true));

        given().auth().oauth2(TestTokens.admin()).contentType(ContentType.JSON).body(Map.of("name", "x", "mode", "ENFORCE",
                "rule", Map.of("type", "SPONSORS_REQUIRED", "minSponsors", 0))).post("/api/v1/policies/simulate").then().statusCode(400)
                .body("errors[0].field", equalTo("rule.minSponsors"));
        given().contentType(ContentType.JSON).body(draft).post("/api/v1/policies/simulate").then().statusCode(401);
        given().auth().oauth2(PDP).contentType(ContentType.JSON).body(draft).post("/api/v1/policies/simulate").then().statusCode(403);
    }

    @Test
    void theWellKnownConfigurationNamesTheEndpoints() {
        given().get("/.well-known/authzen-configuration").then().statusCode(200)
                .body("access_evaluation_endpoint", containsString("/access/v1/evaluation"))
                .body("access_evaluations_endpoint", containsString("/access/v1/evaluations"));
    }

    // --- helpers

    private static String policy(String partner, String mode, Map<String, Object> rule) {
        return createPolicy(partner, mode, rule).statusCode(201).body("version", equalTo(1)).extract().path("id");
    }

    private static ValidatableResponse createPolicy(String partner, String mode, Map<String, Object> rule) {
        return given().auth().oauth2(TestTokens.admin()).contentType(ContentType.JSON)
                .body(Map.of("name", "Policy " + UUID.randomUUID(), "mode", mode, "scope", Map.of("partnerIds", List.of(partner)), "rule", rule))
                .post("/api/v1/policies").then();
    }

    private static String scenario(String model) {
        return given().auth().oauth2(TestTokens.admin()).contentType(ContentType.JSON)
                .body(Map.of("name", "Scenario " + UUID.randomUUID(), "controlModel", model)).post("/api/v1/scenarios").then().statusCode(201)
                .extract().path("id");
    }

    private static Map<String, Object> guest(String partner, String email) {
        return guest(partner, email, Map.of());
    }

    private static Map<String, Object> guest(String partner, String email, Map<String, Object> more) {
        Map<String, Object> properties = new HashMap<>(more);
        properties.put("email", email);
        properties.put("partnerId", partner);
        return Map.of("type", "guest", "id", UUID.randomUUID().toString(), "properties", properties);
    }

    private static Map<String, Object> directory() {
        return Map.of("type", "directory", "id", "guests");
    }

    private static Map<String, Object> resource(Map<String, Object> properties) {
        return Map.of("type", "resource", "id", UUID.randomUUID().toString(), "properties", properties);
    }

    /** An access package of {@code scenario} whose most sensitive resource is {@code sensitivity}, as review-service asks about it. */
    private static Map<String, Object> accessPackage(String scenario, String sensitivity) {
        return Map.of("type", "access-package", "id", UUID.randomUUID().toString(), "properties", Map.of("scenarioId", scenario,
                "sensitivity", sensitivity));
    }

    private static Map<String, Object> requester(String id, String... roles) {
        return Map.of("requester", Map.of("id", id, "roles", List.of(roles)));
    }

    private static Map<String, Object> request(Map<String, Object> subject, String action, Map<String, Object> resource, Map<String, Object> context) {
        Map<String, Object> request = new HashMap<>(Map.of("subject", subject, "action", Map.of("name", action), "resource", resource));
        if (context != null) {
            request.put("context", context);
        }
        return request;
    }

    private static ValidatableResponse evaluate(Map<String, Object> subject, String action, Map<String, Object> resource) {
        return evaluate(subject, action, resource, null);
    }

    private static ValidatableResponse evaluate(Map<String, Object> subject, String action, Map<String, Object> resource, Map<String, Object> context) {
        return given().auth().oauth2(PDP).contentType(ContentType.JSON).body(request(subject, action, resource, context))
                .post("/access/v1/evaluation").then().statusCode(200);
    }

    private static ValidatableResponse batch(Map<String, Object> body) {
        return given().auth().oauth2(PDP).contentType(ContentType.JSON).body(body).post("/access/v1/evaluations").then();
    }

    private static int policyCount() {
        return given().auth().oauth2(TestTokens.admin()).queryParam("limit", 500).get("/api/v1/policies").then().statusCode(200)
                .extract().path("items.size()");
    }
}

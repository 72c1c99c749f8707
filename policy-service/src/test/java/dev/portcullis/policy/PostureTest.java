package dev.portcullis.policy;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.backbone.rest.Roles;
import dev.portcullis.events.AccessGranted;
import dev.portcullis.events.AccessRevoked;
import dev.portcullis.events.RevocationReason;
import dev.portcullis.events.GuestInvited;
import dev.portcullis.events.GuestSignedIn;
import dev.portcullis.events.PartnerUpserted;
import dev.portcullis.events.ResourceUpserted;
import dev.portcullis.events.ReviewDecisionRecorded;
import dev.portcullis.policy.posture.PostureSeries;
import dev.portcullis.testsupport.KafkaResource;
import dev.portcullis.testsupport.KafkaTestClient;
import dev.portcullis.testsupport.PostgresResource;
import dev.portcullis.testsupport.RepositoryRoot;
import dev.portcullis.testsupport.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.net.URL;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The posture of a scripted state: a partner's guests and grants, published as inventory would, in a scenario of its own, read
 * back from {@code GET /api/v1/posture} figure by figure. Other tests share the database, so the figures checked are this
 * test's partner's and scenario's; the organization's are checked to hold at least them.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
class PostureTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final KafkaTestClient kafka = new KafkaTestClient(KafkaResource.bootstrapServers());

    @Inject
    PostureSeries series;

    @Inject
    javax.sql.DataSource dataSource;

    @TestHTTPResource("/")
    URL baseUrl;

    @Test
    void thePostureOfAScriptedPartnerAndScenarioFigureByFigureWithItsRecommendation() throws Exception {
        String scenario = given().auth().oauth2(TestTokens.admin()).contentType(ContentType.JSON)
                .body(Map.of("name", "Delegated " + UUID.randomUUID(), "controlModel", "DELEGATED")).post("/api/v1/scenarios")
                .then().statusCode(201).extract().path("id");
        String partner = UUID.randomUUID().toString();
        kafka.publish(new PartnerUpserted(partner, "Contoso " + partner, "tenant-" + partner, List.of("contoso.example"), "CONNECTED", "admin",
                Instant.now()));
        String secret = resource("HIGHLY_CONFIDENTIAL", scenario);
        String wiki = resource("GENERAL", scenario);
        String finance = resource("CONFIDENTIAL", null);

        // ann: sponsored, signed in today; open-ended access to the scenario's secret, and to its wiki until next month
        String ann = guest(partner, "ann@contoso.example", List.of("sponsor@corp.example"));
        signIn(ann, Instant.now());
        String annSecret = grant(ann, secret, null);
        grant(ann, wiki, Instant.now().plus(Duration.ofDays(30)));
        // bob: no sponsor, invited and never signed in; open-ended access to finance, outside any scenario
        String bob = guest(partner, "bob@contoso.example", List.of());
        String bobFinance = grant(bob, finance, null);
        // cy: sponsored, last signed in 100 days ago; the wiki, open-ended (GENERAL: not a finding)
        String cy = guest(partner, "cy@contoso.example", List.of("sponsor@corp.example"));
        signIn(cy, Instant.now().minus(Duration.ofDays(100)));
        grant(cy, wiki, null);
        // reviews: ann's secret confirmed ten days ago, bob's finance 200 days ago (not lately); the wiki grants never
        reviewed(annSecret, ann, secret, Instant.now().minus(Duration.ofDays(10)));
        reviewed(bobFinance, bob, finance, Instant.now().minus(Duration.ofDays(200)));

        JsonPath posture = await().atMost(WAIT).ignoreExceptions().until(PostureTest::posture,
                p -> p.getInt(partnerOf(partner) + ".figures.activeGrantsBySensitivity.values().sum()") == 4
                        && p.getInt(partnerOf(partner) + ".figures.guestsByState.ACTIVE") == 2
                        && p.getInt(partnerOf(partner) + ".figures.reviewCoverage.reviewedLast90Days") == 1
                        && p.getInt(partnerOf(partner) + ".figures.reviewCoverage.neverReviewed") == 2);
        String mine = partnerOf(partner) + ".figures";
        assertEquals(Map.of("ACTIVE", 2, "INVITED", 1), posture.getMap(mine + ".guestsByState"));
        assertEquals(Map.of("HIGHLY_CONFIDENTIAL", 1, "GENERAL", 2, "CONFIDENTIAL", 1), posture.getMap(mine + ".activeGrantsBySensitivity"));
        assertEquals(1, posture.getInt(mine + ".guestsWithoutSponsor"), "bob");
        assertEquals(1, posture.getInt(mine + ".invitationsNeverRedeemed"), "bob");
        assertEquals(Map.of("30d", 1, "60d", 1, "90d", 1), posture.getMap(mine + ".inactiveGuests"), "cy; bob never activated");
        assertEquals(2, posture.getInt(mine + ".openEndedSensitiveGrants"), "ann's secret and bob's finance");
        assertEquals("CONNECTED", posture.getString(partnerOf(partner) + ".state"));
        assertEquals(Map.of("reviewedLast90Days", 1, "share", 0.25f, "neverReviewed", 2, "neverReviewedSensitive", 0),
                posture.getMap(mine + ".reviewCoverage"), "ann's secret lately, bob's finance long ago, the two wiki grants never");

        // nothing tells us when Contoso disables an account: unconnected, and the recommendation to connect its transmitter
        assertEquals(false, posture.getBoolean(partnerOf(partner) + ".signalChannel.connected"));
        String connect = "recommendations.find { it.kind == 'PARTNER_WITHOUT_SIGNAL_CHANNEL' && it.partnerId == '" + partner + "' }";
        assertEquals(3, posture.getInt(connect + ".count"), "ann, bob and cy keep their access after they leave");
        assertEquals("PUT inventory /api/v1/partners/" + partner + "/ssf", posture.getString(connect + ".action.method") + " "
                + posture.getString(connect + ".action.service") + " " + posture.getString(connect + ".action.path"));
        // once a signal of theirs arrived (inventory says so in partner-upserted), it is connected, and the recommendation goes
        kafka.publish(new PartnerUpserted(partner, "Contoso " + partner, "tenant-" + partner, List.of("contoso.example"), "CONNECTED", "inventory-service",
                Instant.now(), new PartnerUpserted.SignalChannels(null, Instant.now().minus(Duration.ofDays(2)), null)));
        JsonPath connected = await().atMost(WAIT).until(PostureTest::posture, p -> p.getBoolean(partnerOf(partner) + ".signalChannel.connected"));
        assertNull(connected.get(connect), "the recommendation stays");

        // the scenario holds those with access to its resources: ann and cy, not bob
        String inScenario = "posture.scenarios.find { it.scenarioId == '" + scenario + "' }";
        assertEquals("DELEGATED", posture.getString(inScenario + ".controlModel"));
        assertEquals(Map.of("ACTIVE", 2), posture.getMap(inScenario + ".figures.guestsByState"));
        assertEquals(Map.of("HIGHLY_CONFIDENTIAL", 1, "GENERAL", 2), posture.getMap(inScenario + ".figures.activeGrantsBySensitivity"));
        assertEquals(1, posture.getInt(inScenario + ".figures.openEndedSensitiveGrants"));
        assertEquals(0, posture.getInt(inScenario + ".figures.guestsWithoutSponsor"));

        // the organization holds at least this partner
        assertTrue(posture.getInt("posture.organization.openEndedSensitiveGrants") >= 2);
        assertTrue(posture.getInt("posture.organization.guestsWithoutSponsor") >= 1);

        // sensitive access in a delegated scenario: review it, in a campaign on exactly the scenario's highly confidential resources in use
        String recommendation = "recommendations.find { it.kind == 'SENSITIVE_ACCESS_OUTSIDE_IT_CONTROL' && it.scenarioId == '" + scenario + "' }";
        assertNotNull(posture.get(recommendation), posture.prettify());
        assertEquals(1, posture.getInt(recommendation + ".count"));
        assertEquals("review", posture.getString(recommendation + ".action.service"));
        assertEquals("POST /api/v1/campaigns", posture.getString(recommendation + ".action.method") + " "
                + posture.getString(recommendation + ".action.path"), "one call defines and starts it");
        assertEquals(List.of("ada@corp.example"), posture(TestTokens.withEmail("ada", Roles.ADMIN, "ada@corp.example", true))
                .getList(recommendation + ".action.body.fallbackReviewers"), "items no owner answers for go to the admin who asked");
        assertEquals(List.of(secret), posture.getList(recommendation + ".action.body.scope.resourceIds"), "its highly confidential resource in use");
        assertEquals("HIGHLY_CONFIDENTIAL", posture.getString(recommendation + ".action.body.scope.minSensitivity"));
        assertNotNull(posture.get("recommendations.find { it.kind == 'OPEN_ENDED_SENSITIVE_GRANTS' }"));
        assertNotNull(posture.get("recommendations.find { it.kind == 'INACTIVE_GUESTS' }"));

        // the daily series: today's point of the partner holds the figures read above (the pass that writes it also sets the gauges)
        series.recordToday();
        JsonPath points = given().auth().oauth2(TestTokens.auditor()).queryParam("scope", "partner:" + partner).get("/api/v1/posture/series")
                .then().statusCode(200).extract().jsonPath();
        assertEquals(1, points.getList("$").size());
        assertEquals(LocalDate.now(ZoneOffset.UTC).toString(), points.getString("[0].day"));
        assertEquals(posture.getMap(mine + ".guestsByState"), points.getMap("[0].figures.guestsByState"));
        assertEquals(posture.getMap(mine + ".activeGrantsBySensitivity"), points.getMap("[0].figures.activeGrantsBySensitivity"));
        assertEquals(2, points.getInt("[0].figures.openEndedSensitiveGrants"));
        given().auth().oauth2(TestTokens.auditor()).queryParam("scope", "partner:" + partner).queryParam("to", "2020-01-01")
                .get("/api/v1/posture/series").then().statusCode(200).body("size()", equalTo(0));

        // and the gauges, set by the same pass: the scenario's grants by sensitivity
        String metrics = given().baseUri(baseUrl.toString()).get("/q/metrics").then().statusCode(200).extract().asString();
        String scenarioName = posture.getString(inScenario + ".name");
        assertTrue(metrics.contains("portcullis_posture_grants_active{control_model=\"DELEGATED\",scenario=\"" + scenarioName
                + "\",scope=\"scenario\",sensitivity=\"HIGHLY_CONFIDENTIAL\"} 1.0"),
                metrics.lines().filter(l -> l.startsWith("portcullis_posture_grants_active")).toList().toString());
        assertTrue(metrics.contains("portcullis_posture_grants_open_ended_sensitive{control_model=\"DELEGATED\",scenario=\"" + scenarioName
                + "\",scope=\"scenario\"} 1.0"));
        // the Grafana dashboard asks for no metric the service does not export
        Matcher asked = Pattern.compile("portcullis_posture_[a-z_]+(?=[{)])").matcher(Files.readString(RepositoryRoot.get().resolve("deploy/grafana/posture.json")));
        Set<String> names = new TreeSet<>();
        while (asked.find()) {
            names.add(asked.group());
        }
        assertEquals(10, names.size(), names.toString());
        for (String name : names) {
            assertTrue(metrics.contains("\n" + name + "{"), name + " is drawn by deploy/grafana/posture.json and not exported");
        }
    }

    @Test
    void aSeriesAskedWrongIsA400NamingTheParameter() {
        given().auth().oauth2(TestTokens.auditor()).queryParam("scope", "guest:" + UUID.randomUUID()).get("/api/v1/posture/series")
                .then().statusCode(400).body("errors[0].field", equalTo("scope"));
        given().auth().oauth2(TestTokens.auditor()).queryParam("scope", "partner:contoso").get("/api/v1/posture/series")
                .then().statusCode(400).body("errors[0].field", equalTo("scope"));
        given().auth().oauth2(TestTokens.auditor()).queryParam("from", "yesterday").get("/api/v1/posture/series")
                .then().statusCode(400).body("errors[0].field", equalTo("from"));
        given().auth().oauth2(TestTokens.auditor()).queryParam("from", "2026-02-01").queryParam("to", "2026-01-01").get("/api/v1/posture/series")
                .then().statusCode(400).body("errors[0].field", equalTo("from"));
    }

    @Test
    void theAuditorReadsItOthersDoNot() {
        given().get("/api/v1/posture").then().statusCode(401);
        given().auth().oauth2(TestTokens.owner("o@corp.example")).get("/api/v1/posture").then().statusCode(403);
        given().get("/api/v1/posture/series").then().statusCode(401);
        given().auth().oauth2(TestTokens.owner("o@corp.example")).get("/api/v1/posture/series").then().statusCode(403);
        given().auth().oauth2(TestTokens.auditor()).get("/api/v1/posture").then().statusCode(200)
                .body("posture.organization.guestsByState", org.hamcrest.Matchers.notNullValue());
    }

    /**
     * A partner of twelve guests, each with an open-ended CONFIDENTIAL grant nobody reviewed, and an enforced ceiling of GENERAL on
     * that partner: twelve violations, whose revocations are held for an admin (more than a fifth of the policy's scope). The figures
     * say so, and so do the recommendations: review the sensitive access never reviewed, see the violations, decide the hold.
     */
    @Test
    void violationsHeldEnforcementsAndSensitiveAccessNeverReviewedAreFiguresAndRecommendations() {
        String partner = UUID.randomUUID().toString();
        kafka.publish(new PartnerUpserted(partner, "Fabrikam " + partner, "tenant-" + partner, List.of("fabrikam.example"), "CONNECTED", "admin",
                Instant.now()));
        String finance = resource("CONFIDENTIAL", null);
        for (int i = 0; i < 12; i++) {
            grant(guest(partner, "g" + i + "@fabrikam.example", List.of("sponsor@corp.example")), finance, null);
        }
        await().atMost(WAIT).ignoreExceptions().until(PostureTest::posture,
                p -> p.getInt(partnerOf(partner) + ".figures.activeGrantsBySensitivity.CONFIDENTIAL") == 12);
        given().auth().oauth2(TestTokens.admin()).contentType(ContentType.JSON).body(Map.of("name", "Ceiling " + partner, "mode", "ENFORCE",
                "scope", Map.of("partnerIds", List.of(partner)), "rule", Map.of("type", "SENSITIVITY_CEILING", "maxSensitivity", "GENERAL")))
                .post("/api/v1/policies").then().statusCode(201);

        JsonPath posture = await().atMost(WAIT).ignoreExceptions().until(PostureTest::posture,
                p -> p.getInt(partnerOf(partner) + ".figures.openViolations") == 12 && p.getInt("posture.heldEnforcements") >= 1);
        String mine = partnerOf(partner) + ".figures";
        assertEquals(Map.of("reviewedLast90Days", 0, "share", 0.0f, "neverReviewed", 12, "neverReviewedSensitive", 12),
                posture.getMap(mine + ".reviewCoverage"));
        assertEquals(12, posture.getInt(mine + ".openEndedSensitiveGrants"));
        assertTrue(posture.getInt("recommendations.find { it.kind == 'SENSITIVE_GRANTS_NEVER_REVIEWED' }.count") >= 12);
        assertEquals("CONFIDENTIAL", posture.getString("recommendations.find { it.kind == 'SENSITIVE_GRANTS_NEVER_REVIEWED' }"
                + ".action.body.scope.minSensitivity"));
        assertTrue(posture.getInt("recommendations.find { it.kind == 'OPEN_POLICY_VIOLATIONS' }.count") >= 12);
        assertEquals("/api/v1/violations?state=OPEN", posture.getString("recommendations.find { it.kind == 'OPEN_POLICY_VIOLATIONS' }.action.path"));
        assertEquals("/api/v1/enforcement-holds?state=PENDING", posture.getString("recommendations.find { it.kind == 'HELD_ENFORCEMENTS' }"
                + ".action.path"));
    }

    /**
     * Time to revoke: a partner's signal whose revocations inventory made a minute before this service read them counts a minute;
     * a revocation an admin made counts nothing.
     */
    @Test
    void timeToRevokeRunsFromTheSignalsRevocationsToTheMomentThisServiceReadTheLastOfThem() {
        String guest = UUID.randomUUID().toString();
        String signal = UUID.randomUUID().toString();
        long before = posture().getLong("posture.timeToRevoke.signals");
        Instant acted = Instant.now().minus(Duration.ofMinutes(1));
        for (int i = 0; i < 2; i++) {
            kafka.publish(new AccessRevoked(UUID.randomUUID().toString(), guest, UUID.randomUUID().toString(), "CRM", List.of("owner@corp.example"),
                    "reader", RevocationReason.PARTNER_ACCOUNT_DISABLED, signal, acted, "signal-client"));
        }
        kafka.publish(new AccessRevoked(UUID.randomUUID().toString(), guest, UUID.randomUUID().toString(), "Wiki", List.of("owner@corp.example"),
                "reader", RevocationReason.MANUAL, "by-hand-" + signal, acted, "admin"));
        JsonPath posture = await().atMost(WAIT).until(PostureTest::posture, p -> p.getLong("posture.timeToRevoke.signals") == before + 1);
        assertEquals("7d", posture.getString("posture.timeToRevoke.window"));
        assertTrue(posture.getLong("posture.timeToRevoke.p50Millis") <= posture.getLong("posture.timeToRevoke.p99Millis"));
        // this signal's own measure (the figures are over every test's signals): a minute, from inventory's act to the last read
        try (java.sql.Connection db = dataSource.getConnection(); java.sql.PreparedStatement query = db.prepareStatement(
                "select cause_id, extract(epoch from last_seen_at - acted_at) from signal_revocation where guest_id = ?")) {
            query.setObject(1, UUID.fromString(guest));
            java.sql.ResultSet rows = query.executeQuery();
            assertTrue(rows.next(), "no measure of the signal");
            assertEquals(signal, rows.getString(1), "the manual revocation is no signal's");
            double seconds = rows.getDouble(2);
            assertTrue(seconds >= 60 && seconds < 300, seconds + " s");
            assertFalse(rows.next(), "one measure a signal and guest");
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
    }

    private static JsonPath posture() {
        return posture(TestTokens.admin());
    }

    private static JsonPath posture(String token) {
        return given().auth().oauth2(token).get("/api/v1/posture").then().statusCode(200).extract().jsonPath();
    }

    private static String partnerOf(String partner) {
        return "posture.partners.find { it.partnerId == '" + partner + "' }";
    }

    private String resource(String sensitivity, String scenario) {
        String id = UUID.randomUUID().toString();
        kafka.publish(new ResourceUpserted(id, "Resource " + id, "APPLICATION", sensitivity, scenario, List.of("owner@corp.example"), "admin", "created"));
        return id;
    }

    private String guest(String partner, String email, List<String> sponsors) {
        String id = UUID.randomUUID().toString();
        kafka.publish(new GuestInvited(id, email, email, partner, "tenant-" + partner, "sub-" + id, sponsors, Instant.now(), "admin", "test"));
        return id;
    }

    private void signIn(String guest, Instant at) {
        kafka.publish(new GuestSignedIn(guest, at, "ACTIVE", true, Instant.now()));
    }

    private String grant(String guest, String resource, Instant expiresAt) {
        String id = UUID.randomUUID().toString();
        kafka.publish(new AccessGranted(id, guest, resource, "reader", Instant.now(), expiresAt, "admin", "test"));
        return id;
    }

    /** A reviewer's decision on the grant, as review-service publishes it. */
    private void reviewed(String grant, String guest, String resource, Instant at) {
        kafka.publish(new ReviewDecisionRecorded(UUID.randomUUID().toString(), UUID.randomUUID().toString(), grant, guest, resource,
                "owner@corp.example", "APPROVE", "still needed", at, "Quarterly review", "APPROVE", null));
    }
}

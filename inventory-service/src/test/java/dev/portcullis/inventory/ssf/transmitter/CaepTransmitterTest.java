package dev.portcullis.inventory.ssf.transmitter;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.testsupport.InventoryApi;
import dev.portcullis.testsupport.KafkaResource;
import dev.portcullis.testsupport.PostgresResource;
import dev.portcullis.testsupport.SsfReceiver;
import dev.portcullis.testsupport.SsfTransmitter;
import dev.portcullis.testsupport.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.agroal.api.AgroalDataSource;
import jakarta.inject.Inject;
import java.net.URL;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.events.EventJson;
import dev.portcullis.events.EventSchemas;
import dev.portcullis.events.Topic;
import dev.portcullis.testsupport.KafkaTestClient;

/**
 * Our CAEP transmitter as one of the organization's applications meets it: it reads the configuration, makes a stream through
 * the SSF management API with its own client-credentials token, and gets a verifiable session-revoked whenever a guest is
 * blocked or removed, pushed in order through an outage, or polled until acknowledged.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
class CaepTransmitterTest {

    private static final String SESSION_REVOKED = "https://schemas.openid.net/secevent/caep/event-type/session-revoked";
    private static final String VERIFICATION = "https://schemas.openid.net/secevent/ssf/event-type/verification";

    @TestHTTPResource("/")
    URL baseUrl;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    dev.portcullis.backbone.work.Retention retention;

    @Inject
    jakarta.enterprise.inject.Instance<dev.portcullis.backbone.work.Retention.Kept> keptTables;

    InventoryApi api;
    SsfReceiver receiver;
    String app;
    String issuer;
    String jwks;

    @BeforeEach
    void setUp() throws Exception {
        api = new InventoryApi(baseUrl.toString(), TestTokens::admin, TestTokens::signal);
        receiver = new SsfReceiver();
        app = "app-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> config = given().baseUri(baseUrl.toString()).get("/.well-known/ssf-configuration").then().statusCode(200)
                .body("delivery_methods_supported", equalTo(List.of("urn:ietf:rfc:8935", "urn:ietf:rfc:8936")))
                .body("default_subjects", equalTo("ALL")).extract().as(Map.class);
        issuer = (String) config.get("issuer");
        assertEquals(issuer + "/ssf/v1/transmitter/streams", config.get("configuration_endpoint"));
        jwks = given().baseUri(baseUrl.toString()).get("/ssf/v1/transmitter/jwks").then().statusCode(200).extract().asString();
    }

    @AfterEach
    void tearDown() {
        receiver.close();
        // the test's streams go with it: no other test's blocks queue SETs for a receiver that is gone
        List<String> streams = as(app).get("/ssf/v1/transmitter/streams").then().extract().path("stream_id");
        streams.forEach(id -> as(app).queryParam("stream_id", id).delete("/ssf/v1/transmitter/streams").then().statusCode(204));
    }

    private RequestSpecification as(String client) {
        return given().baseUri(baseUrl.toString()).auth().oauth2(TestTokens.ssfReceiver(client)).contentType(ContentType.JSON);
    }

    private String pushStream() {
        return as(app).body(Map.of("delivery", Map.of("method", "urn:ietf:rfc:8935", "endpoint_url", receiver.endpoint,
                        "authorization_header", "Bearer app-secret"), "events_requested", List.of(SESSION_REVOKED, "urn:example:unknown"),
                        "description", "the CRM"))
                .post("/ssf/v1/transmitter/streams").then().statusCode(201).body("aud", equalTo(app)).body("iss", equalTo(issuer))
                .body("events_delivered", equalTo(List.of(SESSION_REVOKED))).extract().path("stream_id");
    }

    private String pollStream() {
        return as(app).body(Map.of("delivery", Map.of("method", "urn:ietf:rfc:8936"), "events_requested", List.of(SESSION_REVOKED)))
                .post("/ssf/v1/transmitter/streams").then().statusCode(201)
                .body("delivery.endpoint_url", org.hamcrest.Matchers.containsString("/ssf/v1/transmitter/poll/")).extract().path("stream_id");
    }

    /** The events the receiver got, verified: event type and the subject's email (or the verification's state). */
    private List<String> pushed() throws Exception {
        List<String> events = new java.util.ArrayList<>();
        for (String set : receiver.received()) {
            events.add(describe(SsfReceiver.verify(set, jwks, issuer, app)));
        }
        return events;
    }

    @SuppressWarnings("unchecked")
    private static String describe(JwtClaims claims) throws Exception {
        Map<String, Object> events = (Map<String, Object>) claims.getClaimValue("events");
        String type = events.keySet().iterator().next();
        Map<String, Object> subject = (Map<String, Object>) claims.getClaimValue("sub_id");
        Map<String, Object> event = (Map<String, Object>) events.get(type);
        return type.equals(SESSION_REVOKED) ? "session-revoked " + subject.get("email") + " by " + event.get("initiating_entity")
                : "verification " + event.get("state");
    }

    private String emailOf(String guestId) {
        return api.as(TestTokens.admin()).get("/api/v1/guests/" + guestId).then().extract().path("email");
    }

    /** SETs name guests: the retention pass forgets the delivered ones after keep-delivered, never one still waiting. */
    @Test
    void deliveredSetsAgeOutInTheRetentionPassAndUndeliveredOnesStay() throws Exception {
        String stream = pollStream();
        String oldDelivered = "old-delivered-" + UUID.randomUUID();
        String oldWaiting = "old-waiting-" + UUID.randomUUID();
        String recentDelivered = "recent-delivered-" + UUID.randomUUID();
        try (Connection c = dataSource.getConnection(); PreparedStatement insert = c.prepareStatement("insert into ssf_outgoing_set"
                + " (stream_id, jti, event_type, claims, created_at, delivered_at) values (?::uuid, ?, 'x', '{}', now() - interval '9 days', now() - ?::interval)")) {
            for (String[] set : new String[][] {{oldDelivered, "8 days"}, {oldWaiting, null}, {recentDelivered, "6 days"}}) {
                insert.setString(1, stream);
                insert.setString(2, set[0]);
                insert.setString(3, set[1]);
                insert.executeUpdate();
            }
        }
        Map<String, Duration> kept = new java.util.HashMap<>();
        for (dev.portcullis.backbone.work.Retention.Kept table : keptTables) {
            kept.put(table.table(), table.keep());
            retention.pruneKept(table);
        }
        assertEquals(Duration.ofDays(7), kept.get("ssf_outgoing_set"));
        assertEquals(Duration.ofDays(30), kept.get("ssf_received_set"), "received jtis are kept a month, longer than the iat window");
        try (Connection c = dataSource.getConnection(); PreparedStatement left = c.prepareStatement(
                "select jti from ssf_outgoing_set where jti in (?, ?, ?) order by jti")) {
            left.setString(1, oldDelivered);
            left.setString(2, oldWaiting);
            left.setString(3, recentDelivered);
            List<String> jtis = new ArrayList<>();
            try (ResultSet rows = left.executeQuery()) {
                while (rows.next()) {
                    jtis.add(rows.getString(1));
                }
            }
            assertEquals(List.of(oldWaiting, recentDelivered), jtis);
        }
    }

    @Test
    void aBlockedGuestsSessionsAreRevokedAtTheApplicationsPushStreamWithAVerifiableSet() throws Exception {
        String stream = pushStream();
        as(app).body(Map.of("stream_id", stream, "state", "hello")).post("/ssf/v1/transmitter/verify").then().statusCode(204);
        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().size() == 1);
        assertEquals(List.of("verification hello"), pushed());

        InventoryApi.Guest guest = api.guestWithGrants(api.twoResources(), 1, "sponsor@example.com");
        String email = emailOf(guest.id());
        api.as(TestTokens.admin()).body(Map.of("reason", "left the project")).post("/api/v1/guests/" + guest.id() + "/block").then().statusCode(200);

        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().size() == 2);
        assertEquals("session-revoked " + email + " by admin", pushed().get(1));
        assertEquals(List.of("Bearer app-secret", "Bearer app-secret"), receiver.authorizations());
        // the SOC's feed tells of the SET sent, by its jti, on the guest's key, after the block that made it
        String jti = SsfReceiver.verify(receiver.received().get(1), jwks, issuer, app).getJwtId();
        KafkaTestClient kafka = new KafkaTestClient(KafkaResource.bootstrapServers());
        List<JsonNode> feed = await().atMost(Duration.ofSeconds(10)).until(() -> kafka.ocsfRecords(guest.id()), f -> f.stream()
                .anyMatch(e -> jti.equals(e.at("/metadata/uid").asText())));
        JsonNode set = feed.stream().filter(e -> jti.equals(e.at("/metadata/uid").asText())).findFirst().orElseThrow();
        assertEquals(List.of(), EventSchemas.ocsfViolations(set));
        assertEquals(SESSION_REVOKED, set.at("/entity/name").asText());
        assertEquals(stream, set.at("/entity/data/streamId").asText());
        assertEquals(app, set.at("/entity/data/audience").asText());
        assertTrue(feed.indexOf(set) > feed.stream().map(e -> e.path("type_uid").asLong()).toList().indexOf(300105L), "after the block");
        as(app).queryParam("stream_id", stream).get("/ssf/v1/transmitter/streams").then().statusCode(200).body("description", equalTo("the CRM"));
        as(app).get("/ssf/v1/transmitter/streams").then().statusCode(200).body("stream_id", equalTo(List.of(stream)));
    }

    /**
     * A kill switch queues a backlog at three slow applications that takes several of a stream's leases (4 s here) to push. Another
     * instance, played by this test with the pusher's own claim, takes any stream whose lease has run out and holds it. Each
     * application checks, as each SET arrives, that the stream is then under a live lease that is not the other instance's: no
     * stream is ever pushed by two at once, or by an instance whose lease has run out.
     */
    @Test
    void noStreamIsPushedOutsideItsLeaseEvenWhenAKillSwitchQueuesMoreThanALeaseCanPush() throws Exception {
        String tenant = "tenant-" + UUID.randomUUID().toString().substring(0, 8);
        String partnerId = api.createPartner(tenant, tenant + ".example.com");
        int guests = 24;
        for (int i = 0; i < guests; i++) {
            api.inviteGuest("g" + i + "@" + tenant + ".example.com", tenant, "sub-" + i, List.of("sponsor@example.com"));
        }
        List<SsfReceiver> applications = List.of(receiver, new SsfReceiver(), new SsfReceiver());
        List<String> outsideTheLease = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<String> streams = new ArrayList<>();
        Duration pushedFor;
        try {
            for (SsfReceiver application : applications) {
                String stream = as(app).body(Map.of("delivery", Map.of("method", "urn:ietf:rfc:8935", "endpoint_url", application.endpoint),
                        "events_requested", List.of(SESSION_REVOKED))).post("/ssf/v1/transmitter/streams").then().statusCode(201).extract().path("stream_id");
                streams.add(stream);
                application.onPush(set -> {
                    String holder = leaseHolder(stream);
                    if (holder != null) {
                        outsideTheLease.add(stream + ": " + holder);
                    }
                    try {
                        Thread.sleep(150); // a slow application: 24 SETs take 3.6 s, most of a lease
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            AtomicBoolean competing = new AtomicBoolean(true);
            Thread otherInstance = new Thread(() -> {
                while (competing.get()) {
                    takeLapsedLeases(streams);
                }
            }, "other-instance");
            otherInstance.start();
            try {
                long blocked = System.nanoTime();
                api.as(TestTokens.admin()).body(Map.of("state", "BLOCKED")).patch("/api/v1/partners/" + partnerId).then().statusCode(200);
                await().atMost(Duration.ofSeconds(90)).until(() -> applications.stream().allMatch(a -> a.received().size() >= guests));
                pushedFor = Duration.ofNanos(System.nanoTime() - blocked);
            } finally {
                competing.set(false);
                otherInstance.join();
            }
            assertEquals(List.of(), outsideTheLease, "SETs pushed while the stream's lease had run out or was another instance's");
            assertTrue(pushedFor.compareTo(Duration.ofSeconds(8)) > 0, "the backlog took " + pushedFor + ", less than two leases: nothing was tested");
            for (SsfReceiver application : applications) {
                assertEquals(guests, application.received().size(), "each SET once");
            }
        } finally {
            applications.subList(1, applications.size()).forEach(SsfReceiver::close);
        }
    }

    /** Who else holds the stream now: "lapsed" when nobody's lease is live, the other instance's name when it holds it, null when the pusher does. */
    private String leaseHolder(String stream) {
        try (Connection c = dataSource.getConnection(); PreparedStatement q = c.prepareStatement(
                "select claimed_by, claimed_until > clock_timestamp() from ssf_stream where id = ?::uuid")) {
            q.setString(1, stream);
            try (ResultSet r = q.executeQuery()) {
                r.next();
                if (!r.getBoolean(2)) {
                    return "lapsed";
                }
                return OTHER_INSTANCE.equals(r.getString(1)) ? OTHER_INSTANCE : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final String OTHER_INSTANCE = "other-instance";

    /** Another instance: takes each of the streams whose lease ran out without being handed back, holds them a while, hands them back. */
    private int takeLapsedLeases(List<String> streams) {
        try (Connection c = dataSource.getConnection()) {
            int taken;
            try (PreparedStatement claim = c.prepareStatement("update ssf_stream set claimed_by = ?, claimed_until = now() + interval '4 seconds'"
                    + " where id::text = any (?) and claimed_until < now()")) {
                claim.setString(1, OTHER_INSTANCE);
                claim.setArray(2, c.createArrayOf("text", streams.toArray()));
                taken = claim.executeUpdate();
            }
            Thread.sleep(taken > 0 ? 1_000 : 50);
            if (taken > 0) {
                try (PreparedStatement release = c.prepareStatement("update ssf_stream set claimed_by = null, claimed_until = null where claimed_by = ?")) {
                    release.setString(1, OTHER_INSTANCE);
                    release.executeUpdate();
                }
            }
            return taken;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    @Test
    void whileTheReceiverIsDownSetsWaitAndThenArriveInOrder() throws Exception {
        pushStream();
        receiver.down(true);
        InventoryApi.Guest first = api.guestWithGrants(api.twoResources(), 1, "sponsor@example.com");
        InventoryApi.Guest second = api.guestWithGrants(api.twoResources(), 1, "sponsor@example.com");
        String firstEmail = emailOf(first.id());
        String secondEmail = emailOf(second.id());
        api.postSignal("ACCOUNT_DISABLED", first.homeTenantId(), first.homeSubject(), java.time.Instant.now()).then().statusCode(202);
        api.as(TestTokens.admin()).body(Map.of()).delete("/api/v1/guests/" + second.id()).then().statusCode(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.refusedWhileDown() >= 2);

        receiver.down(false);

        // the stream backs off (1 s, 2 s, ...), then both come, the first first
        await().atMost(Duration.ofSeconds(20)).until(() -> receiver.received().size() == 2);
        assertEquals(List.of("session-revoked " + firstEmail + " by policy", "session-revoked " + secondEmail + " by admin"), pushed());
    }

    @Test
    void aPollStreamGivesEachSetUntilItIsAcknowledgedAndLongPollsForTheNext() throws Exception {
        String stream = pollStream();
        InventoryApi.Guest guest = api.guestWithGrants(api.twoResources(), 1, "sponsor@example.com");
        String email = emailOf(guest.id());
        api.as(TestTokens.admin()).body(Map.of()).post("/api/v1/guests/" + guest.id() + "/block").then().statusCode(200);

        Map<String, String> sets = as(app).body(Map.of("returnImmediately", true)).post("/ssf/v1/transmitter/poll/" + stream).then().statusCode(200)
                .body("moreAvailable", equalTo(false)).extract().path("sets");
        assertEquals(1, sets.size());
        String jti = sets.keySet().iterator().next();
        assertEquals("session-revoked " + email + " by admin", describe(SsfReceiver.verify(sets.get(jti), jwks, issuer, app)));
        // not acknowledged: it comes again
        as(app).body(Map.of("returnImmediately", true)).post("/ssf/v1/transmitter/poll/" + stream).then().body("sets." + jti,
                org.hamcrest.Matchers.notNullValue());
        as(app).body(Map.of("ack", List.of(jti), "maxEvents", 0)).post("/ssf/v1/transmitter/poll/" + stream).then().statusCode(200)
                .body("sets.size()", equalTo(0));
        as(app).body(Map.of("returnImmediately", true)).post("/ssf/v1/transmitter/poll/" + stream).then().body("sets.size()", equalTo(0));

        // a long poll waits, and returns as soon as the next SET is made
        InventoryApi.Guest next = api.guestWithGrants(api.twoResources(), 1, "sponsor@example.com");
        CompletableFuture<Map<String, String>> waiting = CompletableFuture.supplyAsync(() -> as(app).body(Map.of("returnImmediately", false))
                .post("/ssf/v1/transmitter/poll/" + stream).then().statusCode(200).extract().path("sets"));
        api.as(TestTokens.admin()).body(Map.of()).post("/api/v1/guests/" + next.id() + "/block").then().statusCode(200);
        Map<String, String> arrived = waiting.get(15, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(1, arrived.size());
        assertEquals("session-revoked " + emailOf(next.id()) + " by admin",
                describe(SsfReceiver.verify(arrived.values().iterator().next(), jwks, issuer, app)));
    }

    @Test
    void aRemovedSubjectAPausedAndADisabledStreamGetNothingAndAnotherApplicationSeesNoneOfIt() throws Exception {
        String stream = pollStream();
        InventoryApi.Guest excluded = api.guestWithGrants(api.twoResources(), 1, "sponsor@example.com");
        as(app).body(Map.of("stream_id", stream, "subject", Map.of("format", "email", "email", emailOf(excluded.id()))))
                .post("/ssf/v1/transmitter/subjects/remove").then().statusCode(204);
        api.as(TestTokens.admin()).body(Map.of()).post("/api/v1/guests/" + excluded.id() + "/block").then().statusCode(200);
        as(app).body(Map.of("returnImmediately", true)).post("/ssf/v1/transmitter/poll/" + stream).then().body("sets.size()", equalTo(0));
        // added back (by id this time): the guest's next block is told
        as(app).body(Map.of("stream_id", stream, "subject", Map.of("format", "opaque", "id", excluded.id())))
                .post("/ssf/v1/transmitter/subjects/add").then().statusCode(200);
        api.as(TestTokens.admin()).body(Map.of()).post("/api/v1/guests/" + excluded.id() + "/unblock").then().statusCode(200);
        api.as(TestTokens.admin()).body(Map.of()).post("/api/v1/guests/" + excluded.id() + "/block").then().statusCode(200);
        Map<String, String> told = as(app).body(Map.of("returnImmediately", true)).post("/ssf/v1/transmitter/poll/" + stream).then()
                .body("sets.size()", equalTo(1)).extract().path("sets");
        as(app).body(Map.of("ack", List.copyOf(told.keySet()), "maxEvents", 0)).post("/ssf/v1/transmitter/poll/" + stream).then().statusCode(200);

        // paused: kept, and given once enabled again
        as(app).body(Map.of("stream_id", stream, "status", "paused", "reason", "maintenance")).post("/ssf/v1/transmitter/status").then()
                .statusCode(200).body("status", equalTo("paused"));
        InventoryApi.Guest held = api.guestWithGrants(api.twoResources(), 1, "sponsor@example.com");
        api.as(TestTokens.admin()).body(Map.of()).post("/api/v1/guests/" + held.id() + "/block").then().statusCode(200);
        as(app).body(Map.of("returnImmediately", true)).post("/ssf/v1/transmitter/poll/" + stream).then().body("sets.size()", equalTo(0));
        as(app).body(Map.of("stream_id", stream, "status", "enabled")).post("/ssf/v1/transmitter/status").then().statusCode(200);
        as(app).body(Map.of("returnImmediately", true)).post("/ssf/v1/transmitter/poll/" + stream).then().body("sets.size()", equalTo(1));

        // disabled: what waited is dropped, and nothing new is made
        as(app).body(Map.of("stream_id", stream, "status", "disabled")).post("/ssf/v1/transmitter/status").then().statusCode(200);
        as(app).queryParam("stream_id", stream).get("/ssf/v1/transmitter/status").then().body("status", equalTo("disabled"));
        as(app).body(Map.of("stream_id", stream, "status", "enabled")).post("/ssf/v1/transmitter/status").then().statusCode(200);
        as(app).body(Map.of("returnImmediately", true)).post("/ssf/v1/transmitter/poll/" + stream).then().body("sets.size()", equalTo(0));

        // another application: none of it is there
        as("other-app").queryParam("stream_id", stream).get("/ssf/v1/transmitter/streams").then().statusCode(404);
        as("other-app").body(Map.of("returnImmediately", true)).post("/ssf/v1/transmitter/poll/" + stream).then().statusCode(404);
        as("other-app").queryParam("stream_id", stream).delete("/ssf/v1/transmitter/streams").then().statusCode(404);
        as(app).queryParam("stream_id", stream).delete("/ssf/v1/transmitter/streams").then().statusCode(204);
        as(app).queryParam("stream_id", stream).get("/ssf/v1/transmitter/streams").then().statusCode(404);
    }

    /** A stream is told only the event types it asked for, by exact URI: one whose URI begins with session-revoked's is not it. */
    @Test
    void aStreamGetsExactlyTheEventTypesItAskedForInItsOrder() throws Exception {
        String lookalike = SESSION_REVOKED + "-v2";
        String stream = as(app).body(Map.of("delivery", Map.of("method", "urn:ietf:rfc:8936"), "events_requested", List.of(lookalike)))
                .post("/ssf/v1/transmitter/streams").then().statusCode(201).body("events_delivered", equalTo(List.of())).extract().path("stream_id");
        InventoryApi.Guest first = api.guestWithGrants(api.twoResources(), 1, "sponsor@example.com");
        api.as(TestTokens.admin()).body(Map.of()).post("/api/v1/guests/" + first.id() + "/block").then().statusCode(200);
        as(app).body(Map.of("returnImmediately", true)).post("/ssf/v1/transmitter/poll/" + stream).then().body("sets.size()", equalTo(0));

        as(app).body(Map.of("stream_id", stream, "events_requested", List.of(lookalike, SESSION_REVOKED, lookalike))).patch("/ssf/v1/transmitter/streams")
                .then().statusCode(200).body("events_requested", equalTo(List.of(lookalike, SESSION_REVOKED)))
                .body("events_delivered", equalTo(List.of(SESSION_REVOKED)));
        InventoryApi.Guest second = api.guestWithGrants(api.twoResources(), 1, "sponsor@example.com");
        api.as(TestTokens.admin()).body(Map.of()).post("/api/v1/guests/" + second.id() + "/block").then().statusCode(200);
        as(app).body(Map.of("returnImmediately", true)).post("/ssf/v1/transmitter/poll/" + stream).then().body("sets.size()", equalTo(1));
        as(app).queryParam("stream_id", stream).get("/ssf/v1/transmitter/streams").then().statusCode(200)
                .body("events_requested", equalTo(List.of(lookalike, SESSION_REVOKED)));
    }

    /**
     * A receiver client cannot make streams without end (4 here), and polls that wait for a SET hold a worker thread each, so only
     * so many wait at once (2 here): three long polls at once, two wait out the long poll (5 s), the third is answered at once.
     */
    @Test
    void aClientHasAtMostItsStreamsAndOnlySoManyPollsWaitAtOnce() throws Exception {
        List<String> streams = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            streams.add(pollStream());
        }
        as(app).body(Map.of("delivery", Map.of("method", "urn:ietf:rfc:8936"), "events_requested", List.of(SESSION_REVOKED)))
                .post("/ssf/v1/transmitter/streams").then().statusCode(409).body("detail", org.hamcrest.Matchers.containsString("the most it may have"));
        java.util.concurrent.ExecutorService pollers = java.util.concurrent.Executors.newFixedThreadPool(3);
        try {
            List<java.util.concurrent.Future<Long>> polls = new ArrayList<>();
            for (String stream : streams.subList(0, 3)) {
                polls.add(pollers.submit(() -> {
                    long started = System.nanoTime();
                    as(app).body(Map.of("returnImmediately", false)).post("/ssf/v1/transmitter/poll/" + stream).then().statusCode(200)
                            .body("sets.size()", equalTo(0));
                    return (System.nanoTime() - started) / 1_000_000;
                }));
            }
            List<Long> millis = new ArrayList<>();
            for (java.util.concurrent.Future<Long> poll : polls) {
                millis.add(poll.get(30, java.util.concurrent.TimeUnit.SECONDS));
            }
            java.util.Collections.sort(millis);
            assertTrue(millis.get(0) < 2_500 && millis.get(1) >= 4_500, "poll times " + millis + ": one answered at once, two waited");
        } finally {
            pollers.shutdownNow();
        }
    }

    @Test
    void badStreamRequestsAreRefusedNamingTheField() {
        as(app).body(Map.of("events_requested", List.of(SESSION_REVOKED))).post("/ssf/v1/transmitter/streams").then().statusCode(400)
                .body("errors[0].field", equalTo("delivery"));
        as(app).body(Map.of("delivery", Map.of("method", "urn:example:carrier-pigeon"))).post("/ssf/v1/transmitter/streams").then().statusCode(400)
                .body("errors[0].field", equalTo("delivery.method"));
        as(app).body(Map.of("delivery", Map.of("method", "urn:ietf:rfc:8935", "endpoint_url", "not a url"))).post("/ssf/v1/transmitter/streams")
                .then().statusCode(400).body("errors[0].field", equalTo("delivery.endpoint_url"));
        as(app).body(Map.of("stream_id", UUID.randomUUID().toString(), "status", "asleep")).post("/ssf/v1/transmitter/status").then().statusCode(400)
                .body("errors[0].field", equalTo("status"));
        as(app).get("/ssf/v1/transmitter/streams").then().statusCode(200).body("size()", equalTo(0));
        // an application's token opens its streams and nothing of the REST API
        as(app).get("/api/v1/guests").then().statusCode(403);
    }

    @Test
    void aPartnersCaepSessionRevokedEndsTheGuestsSessionsHereAndLeavesTheGrants() throws Exception {
        String stream = pollStream();
        InventoryApi.Guest guest = api.guestWithGrants(api.twoResources(), 2, "sponsor@example.com");
        String partnerId = api.as(TestTokens.admin()).get("/api/v1/guests/" + guest.id()).then().extract().path("partnerId");
        try (SsfTransmitter partner = new SsfTransmitter()) {
            var connected = api.as(TestTokens.admin()).body(Map.of("issuer", partner.issuer, "audience", "https://portcullis.example.com/ssf"))
                    .put("/api/v1/partners/" + partnerId + "/ssf");
            String set = partner.set(SESSION_REVOKED, Map.of("initiating_entity", "user"), Map.of("format", "iss_sub", "iss", partner.issuer,
                    "sub", guest.homeSubject()), "https://portcullis.example.com/ssf");
            SsfTransmitter.push(baseUrl.toString(), connected.path("pushEndpoint"), connected.path("pushAuthorization"), set).then().statusCode(202);
        }
        Map<String, String> sets = as(app).body(Map.of("returnImmediately", true)).post("/ssf/v1/transmitter/poll/" + stream).then().extract()
                .path("sets");
        assertEquals(List.of("session-revoked " + emailOf(guest.id()) + " by user"),
                sets.values().stream().map(s -> {
                    try {
                        return describe(SsfReceiver.verify(s, jwks, issuer, app));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }).toList());
        assertEquals(List.of("ACTIVE", "ACTIVE"), api.grantStates(guest.id()));
        api.as(TestTokens.admin()).get("/api/v1/guests/" + guest.id()).then().body("state", equalTo("INVITED"));
        api.as(TestTokens.auditor()).queryParam("guestId", guest.id()).get("/api/v1/audit").then().body("items.action", hasItem("SESSIONS_REVOKED"));
        assertTrue(receiver.received().isEmpty());
    }
}

package dev.portcullis.inventory;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.events.AccessExpiring;
import dev.portcullis.events.AccessRevoked;
import dev.portcullis.events.EventJson;
import dev.portcullis.events.EventType;
import dev.portcullis.events.GuestRemoved;
import dev.portcullis.events.RevocationReason;
import dev.portcullis.events.Topic;
import dev.portcullis.inventory.service.LifecycleJobs;
import dev.portcullis.testsupport.InventoryApi;
import dev.portcullis.testsupport.KafkaResource;
import dev.portcullis.testsupport.KafkaTestClient;
import dev.portcullis.testsupport.PostgresResource;
import dev.portcullis.testsupport.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The lifecycle jobs, run by hand at the time each test chooses (the schedule is off in tests). A run
 * acts on every guest and grant in the database, so each test asserts on its own guests only, and the
 * tests that move time furthest run last.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LifecycleJobsTest {

    @TestHTTPResource("/")
    URL baseUrl;

    @Inject
    LifecycleJobs jobs;

    @Inject
    EntityManager em;

    InventoryApi api;
    KafkaTestClient kafka;
    String suffix;
    String tenant;
    String domain;

    @BeforeEach
    void setUp() {
        api = new InventoryApi(baseUrl.toString(), TestTokens::admin, TestTokens::signal);
        kafka = new KafkaTestClient(KafkaResource.bootstrapServers());
        suffix = UUID.randomUUID().toString().substring(0, 8);
        tenant = "tenant-" + suffix;
        domain = "org" + suffix + ".com";
        api.createPartner(tenant, domain);
    }

    @Test
    @Order(1)
    void aGuestInactiveTooLongIsBlockedKeepsItsGrantsAndOnlyAnAdminLiftsIt() {
        String resource = api.twoResources().get(1);
        String dormant = invite("dormant");
        String grant = api.grant(dormant, resource, "reader");
        String recent = invite("recent");
        signIns(Map.of(dormant, 100, recent, 10));
        Instant now = Instant.now();

        jobs.run(now);
        guest(dormant).body("state", equalTo("BLOCKED")).body("blockedReason", equalTo("INACTIVE"));
        guest(recent).body("state", equalTo("ACTIVE"));
        api.as(TestTokens.admin()).get("/api/v1/grants/" + grant).then().body("state", equalTo("ACTIVE"));

        // the partner's ACCOUNT_ENABLED lifts only the partner's own blocks
        api.postSignal("ACCOUNT_ENABLED", tenant, "dormant-" + suffix, Instant.now()).then().statusCode(202);
        guest(dormant).body("state", equalTo("BLOCKED"));

        api.as(TestTokens.admin()).body(Map.of("reason", "back from leave")).post("/api/v1/guests/" + dormant + "/unblock").then().statusCode(200);
        jobs.run(now.plus(Duration.ofDays(1)));
        guest(dormant).body("state", equalTo("ACTIVE")); // the unblock gave the guest its whole period again
        api.as(TestTokens.admin()).get("/api/v1/grants/" + grant).then().body("state", equalTo("ACTIVE"));
    }

    @Test
    @Order(2)
    void twoInstancesRunningAtOnceBlockEachGuestOnce() throws Exception {
        List<String> guests = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            guests.add(invite("idle" + i));
        }
        Map<String, Integer> daysAgo = new java.util.HashMap<>();
        guests.forEach(g -> daysAgo.put(g, 200));
        signIns(daysAgo);
        Instant now = Instant.now();
        CyclicBarrier start = new CyclicBarrier(2);
        List<CompletableFuture<LifecycleJobs.Report>> runs = List.of(1, 2).stream().map(i -> CompletableFuture.supplyAsync(() -> {
            try {
                start.await();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return jobs.run(now);
        })).toList();
        for (CompletableFuture<LifecycleJobs.Report> run : runs) {
            run.get();
        }
        for (String guest : guests) {
            guest(guest).body("state", equalTo("BLOCKED"));
            // a later event of the guest closes its story on the partition
            api.as(TestTokens.admin()).body(Map.of("reason", "count")).post("/api/v1/guests/" + guest + "/unblock").then().statusCode(200);
            List<ConsumerRecord<String, String>> events = await().atMost(Duration.ofSeconds(10)).until(
                    () -> kafka.readAll(Topic.INVENTORY_GUESTS.topicName(), r -> guest.equals(r.key())),
                    r -> r.stream().anyMatch(e -> EventType.GUEST_UNBLOCKED.ceType().equals(KafkaTestClient.header(e, "ce_type"))));
            assertEquals(1, events.stream().filter(e -> EventType.GUEST_BLOCKED.ceType().equals(KafkaTestClient.header(e, "ce_type"))).count(),
                    "one guest-blocked for " + guest);
        }
    }

    @Test
    @Order(3)
    void aGrantIsNoticedFourteenDaysAndOneDayBeforeAndRevokedWhenItExpires() {
        String resource = api.twoResources().get(0);
        String guest = invite("temp");
        signIns(Map.of(guest, 0));
        Instant expiresAt = Instant.now().plus(Duration.ofDays(10)).truncatedTo(ChronoUnit.SECONDS);
        String grant = api.as(TestTokens.admin()).body(Map.of("guestId", guest, "resourceId", resource, "role", "reader", "justification", "audit",
                "expiresAt", expiresAt.toString())).post("/api/v1/grants").then().statusCode(201).extract().path("id");
        Instant now = Instant.now();

        jobs.run(now);
        jobs.run(now.plus(Duration.ofHours(1))); // the 14-day notice went out already
        jobs.run(now.plus(Duration.ofDays(9)).plus(Duration.ofHours(12)));
        jobs.run(now.plus(Duration.ofDays(9)).plus(Duration.ofHours(13)));
        api.as(TestTokens.admin()).get("/api/v1/grants/" + grant).then().body("state", equalTo("ACTIVE"));
        jobs.run(expiresAt.plusSeconds(1));
        api.as(TestTokens.admin()).get("/api/v1/grants/" + grant).then().body("state", equalTo("REVOKED")).body("revokedReason", equalTo("EXPIRED"))
                .body("revokedBy", equalTo(LifecycleJobs.ACTOR));

        List<ConsumerRecord<String, String>> events = await().atMost(Duration.ofSeconds(10)).until(
                () -> kafka.readAll(Topic.INVENTORY_ACCESS.topicName(), r -> guest.equals(r.key())),
                r -> r.stream().anyMatch(e -> EventType.ACCESS_REVOKED.ceType().equals(KafkaTestClient.header(e, "ce_type"))));
        List<Integer> notices = events.stream().filter(e -> EventType.ACCESS_EXPIRING.ceType().equals(KafkaTestClient.header(e, "ce_type")))
                .map(e -> EventJson.read(e.value(), AccessExpiring.class)).map(AccessExpiring::noticeDays).toList();
        assertEquals(List.of(14, 1), notices);
        AccessExpiring first = events.stream().filter(e -> EventType.ACCESS_EXPIRING.ceType().equals(KafkaTestClient.header(e, "ce_type")))
                .map(e -> EventJson.read(e.value(), AccessExpiring.class)).findFirst().orElseThrow();
        assertEquals(List.of("sponsor@example.com"), first.sponsors());
        assertEquals(expiresAt, first.expiresAt());
        AccessRevoked revoked = events.stream().filter(e -> EventType.ACCESS_REVOKED.ceType().equals(KafkaTestClient.header(e, "ce_type")))
                .map(e -> EventJson.read(e.value(), AccessRevoked.class)).findFirst().orElseThrow();
        assertEquals(RevocationReason.EXPIRED, revoked.reason());
    }

    @Test
    @Order(4)
    void anUnredeemedInvitationExpiresAndABlockedGuestIsRemovedAfterTheRetentionPeriod() {
        String resource = api.twoResources().get(0);
        String invited = invite("never");
        String blocked = invite("blocked");
        signIns(Map.of(blocked, 1));
        String grant = api.grant(blocked, resource, "reader");
        api.as(TestTokens.admin()).body(Map.of("reason", "investigation")).post("/api/v1/guests/" + blocked + "/block").then().statusCode(200);
        Instant now = Instant.now();

        jobs.run(now.plus(Duration.ofDays(29)));
        guest(invited).body("state", equalTo("INVITED"));
        guest(blocked).body("state", equalTo("BLOCKED"));

        jobs.run(now.plus(Duration.ofDays(31)));
        guest(invited).body("state", equalTo("REMOVED")).body("removedReason", equalTo("INVITATION_EXPIRED"));
        guest(blocked).body("state", equalTo("REMOVED")).body("removedReason", equalTo("RETENTION"));
        api.as(TestTokens.admin()).get("/api/v1/grants/" + grant).then().body("state", equalTo("REVOKED")).body("revokedReason", equalTo("MANUAL"));

        GuestRemoved removed = EventJson.read(await().atMost(Duration.ofSeconds(10)).until(() -> kafka.readAll(Topic.INVENTORY_GUESTS.topicName(),
                r -> blocked.equals(r.key()) && EventType.GUEST_REMOVED.ceType().equals(KafkaTestClient.header(r, "ce_type"))), r -> r.size() == 1)
                .get(0).value(), GuestRemoved.class);
        assertEquals(List.of("sponsor@example.com"), removed.sponsors(), "the sponsors are told");
        assertEquals(LifecycleJobs.ACTOR, removed.actor());
        assertTrue(removed.causeId().contains("ADMIN"));
    }

    @Test
    @Order(5)
    void aGuestNobodyVouchesForIsReportedOnce() {
        String guest = invite("orphan");
        String partner = api.as(TestTokens.admin()).get("/api/v1/guests/" + guest).then().extract().path("partnerId");
        // the sponsor left the organization: nothing in the API takes a guest's last sponsor, so the test does what a directory sync would
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("delete from guest_sponsor where guest_id = ?1")
                .setParameter(1, UUID.fromString(guest)).executeUpdate());

        jobs.run(Instant.now());
        jobs.run(Instant.now());
        api.as(TestTokens.admin()).queryParam("partnerId", partner).queryParam("sponsor", "none").get("/api/v1/guests").then()
                .body("items.id", equalTo(List.of(guest)));
        api.as(TestTokens.admin()).body(Map.of("reason", "nobody vouches")).post("/api/v1/guests/" + guest + "/block").then().statusCode(200);
        List<ConsumerRecord<String, String>> events = await().atMost(Duration.ofSeconds(10)).until(
                () -> kafka.readAll(Topic.INVENTORY_GUESTS.topicName(), r -> guest.equals(r.key())),
                r -> r.stream().anyMatch(e -> EventType.GUEST_BLOCKED.ceType().equals(KafkaTestClient.header(e, "ce_type"))));
        assertEquals(1, events.stream().filter(e -> EventType.GUEST_SPONSOR_MISSING.ceType().equals(KafkaTestClient.header(e, "ce_type"))).count(),
                "reported once, however many runs");
    }

    private String invite(String name) {
        return api.inviteGuest(name + "@" + domain, tenant, name + "-" + suffix, List.of("sponsor@example.com"));
    }

    private void signIns(Map<String, Integer> daysAgo) {
        List<Map<String, String>> records = daysAgo.entrySet().stream()
                .map(e -> Map.of("guestId", e.getKey(), "at", Instant.now().minus(Duration.ofDays(e.getValue())).minusSeconds(60).toString())).toList();
        api.as(TestTokens.admin()).body(Map.of("records", records)).post("/api/v1/sign-ins").then().statusCode(200);
    }

    private io.restassured.response.ValidatableResponse guest(String id) {
        return api.as(TestTokens.admin()).get("/api/v1/guests/" + id).then().statusCode(200);
    }
}

package dev.portcullis.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.events.AccessRevoked;
import dev.portcullis.events.EventJson;
import dev.portcullis.events.EventType;
import dev.portcullis.events.Topic;
import dev.portcullis.testsupport.InventoryApi;
import dev.portcullis.testsupport.KafkaResource;
import dev.portcullis.testsupport.KafkaTestClient;
import dev.portcullis.testsupport.PostgresResource;
import dev.portcullis.testsupport.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.response.Response;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Everything that changes a guest's access, at the same moment: grants racing signals, hand
 * revocations racing signals, the same signal twice, the same thing created twice. Access never
 * survives a signal, each revocation is told exactly once, and nobody gets a 500.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
class AccessRaceTest {

    private static final String SPONSOR = "sponsor@example.com";

    @TestHTTPResource("/")
    URL baseUrl;

    InventoryApi api;
    KafkaTestClient kafka;
    List<String> resources;

    @BeforeEach
    void setUp() {
        api = new InventoryApi(baseUrl.toString(), TestTokens::admin, TestTokens::signal);
        kafka = new KafkaTestClient(KafkaResource.bootstrapServers());
        resources = api.twoResources();
    }

    @Test
    void twoHundredGrantsRacingFiftySignalsLeaveNoActiveGrantOnABlockedGuest() throws Exception {
        List<InventoryApi.Guest> guests = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            guests.add(api.guestWithGrants(resources, 1, SPONSOR));
        }
        List<Callable<Response>> calls = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            InventoryApi.Guest guest = guests.get(i % guests.size());
            String resource = resources.get(i % resources.size());
            int n = i;
            calls.add(() -> api.as(TestTokens.admin()).body(Map.of("guestId", guest.id(), "resourceId", resource, "role", "race-" + n,
                    "justification", "racing a signal")).post("/api/v1/grants"));
        }
        for (InventoryApi.Guest guest : guests) {
            calls.add(() -> api.postSignal("ACCOUNT_DISABLED", guest.homeTenantId(), guest.homeSubject(), Instant.now()));
        }
        Collections.shuffle(calls);

        List<Response> answers = runAtOnce(calls);

        assertEquals(Set.of(), answers.stream().map(Response::statusCode).filter(s -> s != 201 && s != 409 && s != 202)
                .collect(Collectors.toSet()), "only 201, 409 (guest blocked) and 202 (signal applied)");
        long granted = answers.stream().filter(r -> r.statusCode() == 201).count();
        assertTrue(granted > 0, "some grants were created before their guest's signal");
        Set<String> revokedGrants = new java.util.HashSet<>();
        for (InventoryApi.Guest guest : guests) {
            assertEquals("BLOCKED", api.as(TestTokens.admin()).get("/api/v1/guests/" + guest.id()).then().statusCode(200)
                    .extract().path("state"));
            List<Map<String, Object>> grants = api.as(TestTokens.admin()).queryParam("guestId", guest.id()).queryParam("limit", 500)
                    .get("/api/v1/grants").then().statusCode(200).extract().path("items");
            assertEquals(List.of(), grants.stream().filter(g -> "ACTIVE".equals(g.get("state"))).toList(), "guest " + guest.id());
            grants.forEach(g -> revokedGrants.add((String) g.get("id")));
        }
        assertEquals(50 + granted, revokedGrants.size());

        Map<String, Long> revocationsPerGrant = Awaitility.await().atMost(Duration.ofSeconds(30)).until(
                () -> accessRevokedPerGrant(revokedGrants), counts -> counts.keySet().containsAll(revokedGrants));
        assertEquals(Map.of(), revocationsPerGrant.entrySet().stream().filter(e -> e.getValue() != 1)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)), "grants with other than one access-revoked");
    }

    @Test
    void aHandRevocationRacingASignalGivesOneAccessRevokedAndTheFirstReasonStays() throws Exception {
        List<InventoryApi.Guest> guests = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            guests.add(api.guestWithGrants(resources, 3, SPONSOR));
        }
        List<Callable<Response>> calls = new ArrayList<>();
        Set<String> grantIds = new java.util.HashSet<>();
        for (InventoryApi.Guest guest : guests) {
            List<String> ids = api.as(TestTokens.admin()).queryParam("guestId", guest.id()).get("/api/v1/grants").then().extract().path("items.id");
            grantIds.addAll(ids);
            ids.forEach(id -> calls.add(() -> api.as(TestTokens.admin()).delete("/api/v1/grants/" + id)));
            calls.add(() -> api.postSignal("ACCOUNT_DISABLED", guest.homeTenantId(), guest.homeSubject(), Instant.now()));
        }
        Collections.shuffle(calls);

        List<Response> answers = runAtOnce(calls);

        assertEquals(Set.of(), answers.stream().map(Response::statusCode).filter(s -> s != 200 && s != 409 && s != 202)
                .collect(Collectors.toSet()));
        Map<String, List<AccessRevoked>> events = Awaitility.await().atMost(Duration.ofSeconds(30)).until(
                () -> accessRevoked(grantIds), e -> e.keySet().containsAll(grantIds));
        for (String grantId : grantIds) {
            assertEquals(1, events.get(grantId).size(), "access-revoked events of grant " + grantId);
            String reason = api.as(TestTokens.admin()).get("/api/v1/grants/" + grantId).then().statusCode(200).extract().path("revokedReason");
            assertEquals(events.get(grantId).get(0).reason().name(), reason, "the reason kept is the one published");
        }
    }

    @Test
    void theSameSignalTwiceAtOnceIsOneSignalWithOneEffect() throws Exception {
        List<Callable<Response>> calls = new ArrayList<>();
        List<InventoryApi.Guest> guests = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            InventoryApi.Guest guest = api.guestWithGrants(resources, 2, SPONSOR);
            guests.add(guest);
            Instant occurredAt = Instant.now();
            calls.add(() -> api.postSignal("ACCOUNT_DISABLED", guest.homeTenantId(), guest.homeSubject(), occurredAt));
            calls.add(() -> api.postSignal("ACCOUNT_DISABLED", guest.homeTenantId(), guest.homeSubject(), occurredAt));
        }

        List<Response> answers = runAtOnce(calls);

        for (int i = 0; i < answers.size(); i += 2) {
            Response first = answers.get(i);
            Response second = answers.get(i + 1);
            assertEquals(202, first.statusCode(), first.asString());
            assertEquals(202, second.statusCode(), second.asString());
            assertEquals(first.<String>path("id"), second.<String>path("id"), "one signal record");
            assertEquals(Set.of(true, false), Set.of(first.<Boolean>path("duplicate"), second.<Boolean>path("duplicate")));
        }
        Set<String> grantIds = guests.stream().flatMap(g -> api.as(TestTokens.admin()).queryParam("guestId", g.id()).get("/api/v1/grants")
                .then().extract().<List<String>>path("items.id").stream()).collect(Collectors.toSet());
        Map<String, List<AccessRevoked>> events = Awaitility.await().atMost(Duration.ofSeconds(30)).until(
                () -> accessRevoked(grantIds), e -> e.keySet().containsAll(grantIds));
        events.forEach((grant, list) -> assertEquals(1, list.size(), "access-revoked events of grant " + grant));
        assertEquals(List.of(), kafka.readAll(Topic.PARTNER_SIGNALS.deadLetterTopicName()));
    }

    @Test
    void creatingTheSameThingTwiceAtOnceIsOneCreatedAndOneConflict() throws Exception {
        String suffix = Long.toHexString(System.nanoTime());
        List<Callable<Response>> calls = List.of(
                () -> api.as(TestTokens.admin()).body(Map.of("name", "P", "tenantId", "t-" + suffix, "domains", List.of("d" + suffix + ".com")))
                        .post("/api/v1/partners"),
                () -> api.as(TestTokens.admin()).body(Map.of("name", "P", "tenantId", "t-" + suffix, "domains", List.of("d" + suffix + ".com")))
                        .post("/api/v1/partners"),
                () -> api.as(TestTokens.admin()).body(Map.of("name", "R " + suffix, "type", "APPLICATION", "sensitivity", "GENERAL",
                        "owners", List.of("o@example.com"))).post("/api/v1/resources"),
                () -> api.as(TestTokens.admin()).body(Map.of("name", "r " + suffix, "type", "APPLICATION", "sensitivity", "GENERAL",
                        "owners", List.of("o@example.com"))).post("/api/v1/resources"),
                () -> api.as(TestTokens.admin()).body(Map.of("email", "g" + suffix + "@x" + suffix + ".com", "homeTenantId", "h-" + suffix,
                        "sponsors", List.of(SPONSOR))).post("/api/v1/guests"),
                () -> api.as(TestTokens.admin()).body(Map.of("email", "G" + suffix + "@x" + suffix + ".com", "homeTenantId", "h-" + suffix,
                        "sponsors", List.of(SPONSOR))).post("/api/v1/guests"));
        for (int round = 0; round < 3; round++) {
            List<Response> answers = runAtOnce(calls);
            for (int i = 0; i < answers.size(); i += 2) {
                List<Integer> statuses = List.of(answers.get(i).statusCode(), answers.get(i + 1).statusCode());
                if (round == 0) {
                    assertEquals(Set.of(201, 409), Set.copyOf(statuses), answers.get(i).asString() + answers.get(i + 1).asString());
                } else {
                    assertEquals(List.of(409, 409), statuses);
                }
                answers.stream().filter(r -> r.statusCode() == 409).forEach(r -> assertEquals("application/problem+json", r.contentType()));
            }
        }
    }

    /** Runs the calls on 16 threads released together; returns the answers in the calls' order. */
    private static List<Response> runAtOnce(List<Callable<Response>> calls) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Response>> futures = new ArrayList<>();
            for (Callable<Response> call : calls) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return call.call();
                }));
            }
            start.countDown();
            List<Response> answers = new ArrayList<>();
            for (Future<Response> future : futures) {
                answers.add(future.get(120, TimeUnit.SECONDS));
            }
            return answers;
        } finally {
            pool.shutdownNow();
        }
    }

    private Map<String, Long> accessRevokedPerGrant(Set<String> grantIds) {
        return accessRevoked(grantIds).entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> (long) e.getValue().size()));
    }

    private Map<String, List<AccessRevoked>> accessRevoked(Set<String> grantIds) {
        return kafka.readAll(Topic.INVENTORY_ACCESS.topicName(),
                        r -> EventType.ACCESS_REVOKED.ceType().equals(KafkaTestClient.header(r, "ce_type"))).stream()
                .map(ConsumerRecord::value).map(v -> EventJson.read(v, AccessRevoked.class))
                .filter(e -> grantIds.contains(e.grantId()))
                .collect(Collectors.groupingBy(AccessRevoked::grantId, Collectors.mapping(Function.identity(), Collectors.toList())));
    }
}

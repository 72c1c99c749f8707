package dev.portcullis.e2e;

import static org.awaitility.Awaitility.await;

import dev.portcullis.events.EventType;
import dev.portcullis.events.Topic;
import dev.portcullis.testsupport.KafkaTestClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Not a test (its name keeps it out of {@code mvn verify}): -Dbenchmark.requests (1,000) access requests
 * for a one-stage package of a self-service scenario, submitted by an admin on behalf of as many
 * newcomers of a connected partner, then approved by the package's owner, -Dbenchmark.clients (8) at a
 * time; prints how long submitting and approving took, and the time from the last approval to the last
 * of their grants on inventory.access (its record's timestamp), i.e. inventory-service inviting each
 * newcomer and granting through policy-service, and the relay publishing. Run: see docs/benchmarks.md.
 */
@ExtendWith(Platform.class)
class AccessRequestBenchmark {

    private static final int REQUESTS = Integer.getInteger("benchmark.requests", 1000);
    private static final int CLIENTS = Integer.getInteger("benchmark.clients", 8);

    @Test
    void run() throws Exception {
        Platform platform = Platform.get();
        String run = UUID.randomUUID().toString().substring(0, 8);
        String domain = "bench-" + run + ".example";
        platform.inventory().createPartner("bench-" + run, domain);
        String scenario = SelfService.scenario(platform, "Benchmark " + run);
        String resource = SelfService.resource(platform, scenario, "Bench app " + run, "GENERAL", "owner@example.com");
        Map<String, Object> pkg = Map.of("name", "Bench " + run, "scenarioId", scenario, "owners", List.of("owner@example.com"),
                "resources", List.of(Map.of("resourceId", resource, "role", "reader")),
                "requestPolicy", Map.of("who", Map.of("type", "CONNECTED_PARTNERS"), "lifetimeDays", 30,
                        "approvalStages", List.of(Map.of("approvers", "PACKAGE_OWNERS", "deadlineDays", 7))));
        String packageId = await().atMost(Duration.ofSeconds(30)).until(() -> Reviews.as(platform, "admin").body(pkg)
                .post("/api/v1/access-packages").then().extract(), r -> r.statusCode() == 201).path("id");
        // the first request waits until review-service knows the partner
        Supplier<String> admin = platform.freshUserToken("admin");
        Supplier<String> owner = platform.freshUserToken("owner");
        Set<String> ids = ConcurrentHashMap.newKeySet();
        ids.add(await().atMost(Duration.ofSeconds(30)).until(() -> submit(platform, admin, packageId, "first@" + domain), id -> id != null));

        long submitStart = System.nanoTime();
        parallel(IntStream.range(0, REQUESTS - 1).mapToObj(i -> (Runnable) () -> ids.add(submit(platform, admin, packageId, "p" + i + "@" + domain)))
                .toList());
        double submitSeconds = (System.nanoTime() - submitStart) / 1e9;

        long approveStart = System.nanoTime();
        parallel(ids.stream().map(id -> (Runnable) () -> review(platform, owner.get()).body(Map.of("decision", "APPROVE"))
                .post("/api/v1/access-requests/" + id + "/decision").then().statusCode(200)).toList());
        long lastApproval = System.currentTimeMillis();
        double approveSeconds = (System.nanoTime() - approveStart) / 1e9;

        KafkaTestClient kafka = platform.kafka();
        List<ConsumerRecord<String, String>> grants = await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofSeconds(2))
                .until(() -> kafka.readAll(Topic.INVENTORY_ACCESS.topicName(), r -> EventType.ACCESS_GRANTED.ceType().equals(KafkaTestClient.header(r, "ce_type"))
                        && r.value().contains(resource)), g -> g.size() >= ids.size());
        long lastGrant = grants.stream().mapToLong(ConsumerRecord::timestamp).max().orElseThrow();
        System.out.printf("access requests: %d submitted in %.1f s (%.0f/s), approved in %.1f s (%.0f/s); last grant on Kafka %d ms after the last approval%n",
                ids.size(), submitSeconds, ids.size() / submitSeconds, approveSeconds, ids.size() / approveSeconds, lastGrant - lastApproval);
    }

    private static String submit(Platform platform, Supplier<String> admin, String packageId, String email) {
        var response = review(platform, admin.get()).body(Map.of("packageId", packageId, "requester", Map.of("email", email)))
                .post("/api/v1/access-requests").then().extract();
        return response.statusCode() == 201 ? response.path("id") : null;
    }

    private static io.restassured.specification.RequestSpecification review(Platform platform, String token) {
        return io.restassured.RestAssured.given().baseUri(platform.endpoint("REVIEW_URL")).auth().oauth2(token)
                .contentType(io.restassured.http.ContentType.JSON);
    }

    private static void parallel(List<Runnable> work) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<?>> done = new ArrayList<>();
            work.forEach(w -> done.add(pool.submit(w)));
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
    }
}

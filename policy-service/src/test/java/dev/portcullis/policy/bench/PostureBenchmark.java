package dev.portcullis.policy.bench;

import static io.restassured.RestAssured.given;

import dev.portcullis.policy.posture.Posture;
import dev.portcullis.testsupport.KafkaResource;
import dev.portcullis.testsupport.PostgresResource;
import dev.portcullis.testsupport.TestTokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the posture costs at the size the issue names: 100,000 guests of 100 partners holding 500,000 grants over 2,000 resources
 * in 20 scenarios, 40 % of the grants reviewed, 5,000 open violations, 2,000 signals of the last week, on policy-service's real
 * PostgreSQL. Prints the time of one posture computed in the service ({@code Posture.now()}), cold and warm, and the p50 / p99 of
 * {@code GET /api/v1/posture} as a dashboard gets it (the cache as deployed), ten requests a second for 45 s.
 * <p>
 * Run: {@code ./mvnw -o -pl policy-service verify -Dtest=PostureBenchmark -Dsurefire.failIfNoSpecifiedTests=false} (not part of the
 * test run; figures in docs/benchmarks.md).
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
@io.quarkus.test.junit.TestProfile(PostureBenchmark.AsDeployed.class)
class PostureBenchmark {

    /** The posture's cache as deployed (the service's tests compute it for every request). */
    public static class AsDeployed implements io.quarkus.test.junit.QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("portcullis.policy.posture-max-age", "PT30S");
        }
    }

    private static final int GUESTS = Integer.getInteger("benchmark.guests", 100_000);
    private static final int GRANTS_PER_GUEST = 5;
    private static final int RESOURCES = 2_000;
    private static final int SCENARIOS = 20;
    private static final int PARTNERS = 100;

    @Inject
    EntityManager em;

    @Inject
    Posture posture;

    @Test
    void run() {
        long seeding = System.nanoTime();
        List<String> statements = seed(GUESTS);
        QuarkusTransaction.requiringNew().run(() -> statements.subList(0, statements.size() - 1).forEach(this::sql));
        QuarkusTransaction.requiringNew().run(() -> sql(statements.get(statements.size() - 1)));
        System.out.printf("seeded %,d guests, %,d grants, %,d resources, %d scenarios, %d partners in %d ms%n", GUESTS, GUESTS * GRANTS_PER_GUEST,
                RESOURCES, SCENARIOS, PARTNERS, (System.nanoTime() - seeding) / 1_000_000);

        for (String pass : List.of("cold", "warm", "warm")) {
            long start = System.nanoTime();
            Posture.Snapshot snapshot = QuarkusTransaction.requiringNew().call(posture::now);
            System.out.printf("posture computed (%s): %d ms; organization: %s active grants, %d partners%n", pass, (System.nanoTime() - start) / 1_000_000,
                    snapshot.organization().activeGrantsBySensitivity().values().stream().mapToLong(Long::longValue).sum(), snapshot.partners().size());
        }
        List<Long> millis = new ArrayList<>();
        String token = TestTokens.admin();
        given().auth().oauth2(token).get("/api/v1/posture").then().statusCode(200); // the first after a start computes it
        // a dashboard's load for 45 s, ten requests a second: the posture gets 30 s old once, and is recomputed meanwhile
        long loop = System.nanoTime();
        while (System.nanoTime() - loop < 45_000_000_000L) {
            long start = System.nanoTime();
            given().auth().oauth2(token).get("/api/v1/posture").then().statusCode(200);
            millis.add((System.nanoTime() - start) / 1_000_000);
            java.util.concurrent.locks.LockSupport.parkNanos(Math.max(0, 100_000_000 - (System.nanoTime() - start)));
        }
        Collections.sort(millis);
        int n = millis.size();
        System.out.printf("GET /api/v1/posture as a dashboard gets it (the last computed, 30 s at most; recomputed in the background),"
                + " %d requests at 10/s over %d s: p50 %d ms, p99 %d ms, max %d ms%n", n, (System.nanoTime() - loop) / 1_000_000_000,
                millis.get(n / 2), millis.get((int) Math.ceil(n * 0.99) - 1), millis.get(n - 1));
    }

    /** The seed's statements (bench/posture-seed.sql, shared with e2e's PostureDashboardBenchmark), for this many guests. */
    static List<String> seed(int guests) {
        try (var in = PostureBenchmark.class.getResourceAsStream("/bench/posture-seed.sql")) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines()
                    .filter(line -> !line.isBlank() && !line.startsWith("--")).map(line -> line.replace("GUESTS", String.valueOf(guests))).toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void sql(String statement) {
        em.createNativeQuery(statement).executeUpdate();
    }
}

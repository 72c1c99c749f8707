package dev.portcullis.e2e;

import static io.restassured.RestAssured.given;

import dev.portcullis.testsupport.RepositoryRoot;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The console's dashboard with the whole platform running (up.sh, two instances of each service): policy-service's copy of
 * inventory seeded with the posture benchmark's state (policy-service/src/test/resources/bench/posture-seed.sql: 100,000 guests,
 * 500,000 grants), then {@code GET /api/v1/posture} as the console asks it, with an admin's Keycloak token, ten requests a second
 * for 45 s. Prints p50 and p99.
 * <p>
 * Run: {@code ./mvnw -o -pl e2e verify -Dtest=PostureDashboardBenchmark -Dsurefire.failIfNoSpecifiedTests=false} (not part of the
 * test run; figures in docs/benchmarks.md).
 */
@ExtendWith(Platform.class)
class PostureDashboardBenchmark {

    private static final int GUESTS = Integer.getInteger("benchmark.guests", 100_000);

    @Test
    void run() throws Exception {
        Platform platform = Platform.get();
        long seeding = System.nanoTime();
        List<String> seed = Files.readAllLines(RepositoryRoot.get().resolve("policy-service/src/test/resources/bench/posture-seed.sql")).stream()
                .filter(line -> !line.isBlank() && !line.startsWith("--")).map(line -> line.replace("GUESTS", String.valueOf(GUESTS))).toList();
        try (Connection c = platform.database("policy"); Statement s = c.createStatement()) {
            for (String statement : seed) {
                s.execute(statement);
            }
        }
        System.out.printf("seeded policy-service's copy: %,d guests, %,d grants in %d ms%n", GUESTS, GUESTS * 5, (System.nanoTime() - seeding) / 1_000_000);

        String token = platform.userToken("admin");
        String policy = platform.endpoint("POLICY_URL");
        long first = System.nanoTime();
        given().baseUri(policy).auth().oauth2(token).get("/api/v1/posture").then().statusCode(200);
        System.out.printf("first request (computes it, or answers the one computed at start): %d ms%n", (System.nanoTime() - first) / 1_000_000);
        List<Long> millis = new ArrayList<>();
        long loop = System.nanoTime();
        while (System.nanoTime() - loop < 45_000_000_000L) {
            long start = System.nanoTime();
            given().baseUri(policy).auth().oauth2(token).get("/api/v1/posture").then().statusCode(200);
            millis.add((System.nanoTime() - start) / 1_000_000);
            LockSupport.parkNanos(Math.max(0, 100_000_000 - (System.nanoTime() - start)));
        }
        Collections.sort(millis);
        int n = millis.size();
        System.out.printf("GET /api/v1/posture with the whole platform running, %d requests at 10/s over 45 s: p50 %d ms, p99 %d ms, max %d ms%n", n,
                millis.get(n / 2), millis.get((int) Math.ceil(n * 0.99) - 1), millis.get(n - 1));
    }
}

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
        QuarkusTransaction.requiringNew().run(() -> {
            String[] models = {"IT_GOVERNED", "DELEGATED", "SELF_SERVICE"};
            sql("insert into scenario (id, name, control_model, created_at, created_by) select md5('s' || i)::uuid, 'scenario ' || i,"
                    + " (array['" + String.join("','", models) + "'])[1 + i % 3], now(), 'bench' from generate_series(0, " + (SCENARIOS - 1) + ") i");
            sql("insert into rm_partner (partner_id, name, tenant_id, state, updated_at, last_signal_at) select md5('p' || i)::uuid, 'partner ' || i,"
                    + " 'tenant-' || i, 'CONNECTED', now(), case when i % 3 = 0 then now() - interval '2 days' end from generate_series(0, "
                    + (PARTNERS - 1) + ") i");
            sql("insert into rm_resource (resource_id, name, sensitivity, scenario_id, updated_at) select md5('r' || i)::uuid, 'app ' || i,"
                    + " (array['PUBLIC','GENERAL','CONFIDENTIAL','HIGHLY_CONFIDENTIAL'])[1 + i % 4], cast(md5('s' || (i % " + SCENARIOS
                    + "))::uuid as text), now() from generate_series(0, " + (RESOURCES - 1) + ") i");
            sql("insert into rm_guest (guest_id, email, partner_id, state, invited_at, last_sign_in_at, updated_at)"
                    + " select md5('g' || i)::uuid, 'guest-' || i || '@partner.example', md5('p' || (i % " + PARTNERS + "))::uuid,"
                    + " (array['ACTIVE','ACTIVE','ACTIVE','INVITED','BLOCKED'])[1 + i % 5], now() - interval '400 days',"
                    + " case when i % 5 = 3 then null else now() - (i % 120) * interval '1 day' end, now() from generate_series(0, " + (GUESTS - 1) + ") i");
            sql("insert into rm_guest_sponsor (guest_id, email) select md5('g' || i)::uuid, 'sponsor-' || (i % 500) || '@corp.example'"
                    + " from generate_series(0, " + (GUESTS - 1) + ") i where i % 10 <> 0");
            sql("insert into rm_grant (grant_id, guest_id, resource_id, role, state, expires_at, updated_at)"
                    + " select md5('x' || i || '-' || k)::uuid, md5('g' || i)::uuid, md5('r' || ((i * " + GRANTS_PER_GUEST + " + k) % " + RESOURCES
                    + "))::uuid, 'reader', case when k = 4 then 'REVOKED' else 'ACTIVE' end, case when k % 2 = 0 then now() + interval '30 days' end,"
                    + " now() from generate_series(0, " + (GUESTS - 1) + ") i, generate_series(0, " + (GRANTS_PER_GUEST - 1) + ") k");
            sql("insert into grant_review (grant_id, last_decided_at, last_decision, campaign_id) select md5('x' || i || '-' || k)::uuid,"
                    + " now() - (i % 200) * interval '1 day', 'APPROVE', md5('c' || (i % 10))::uuid from generate_series(0, " + (GUESTS - 1)
                    + ") i, generate_series(0, 1) k");
            sql("insert into signal_revocation (cause_id, guest_id, acted_at, last_seen_at) select 'signal-' || i, md5('g' || i)::uuid,"
                    + " now() - (i % 7) * interval '1 day', now() - (i % 7) * interval '1 day' + (50 + i % 400) * interval '1 millisecond'"
                    + " from generate_series(0, 1999) i");
        });
        QuarkusTransaction.requiringNew().run(() -> sql("analyze"));
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

    private void sql(String statement) {
        em.createNativeQuery(statement).executeUpdate();
    }
}

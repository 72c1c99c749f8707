package dev.portcullis.policy.bench;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portcullis.policy.domain.Policy;
import dev.portcullis.policy.domain.PolicyRule;
import dev.portcullis.policy.domain.PolicyScope;
import dev.portcullis.policy.engine.CompiledPolicy;
import dev.portcullis.policy.service.GrantEvaluation;
import dev.portcullis.policy.service.PolicyService;
import dev.portcullis.testsupport.KafkaResource;
import dev.portcullis.testsupport.PostgresResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A new policy against 500,000 existing grants (100,000 guests of 500 partner domains, 1,000
 * resources), in policy-service with its real PostgreSQL and Kafka: a simulation (read and evaluate
 * only), then a saved ENFORCE policy through continuous evaluation (read, evaluate, open the
 * violations, request their revocations through the outbox), timed from the save to the last
 * violation written. The policy blocks one partner's domain: 1,000 grants violate it.
 * <p>
 * Run: {@code ./mvnw -o -pl policy-service test -Dtest=GrantEvaluationBenchmark -Dsurefire.failIfNoSpecifiedTests=false}
 * (not part of the test run). Its own fresh database, as every test run.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
class GrantEvaluationBenchmark {

    private static final int GUESTS = 100_000;
    private static final int GRANTS = 500_000;
    private static final int RESOURCES = 1_000;
    private static final int PARTNERS = 500;

    @Inject
    EntityManager em;

    @Inject
    GrantEvaluation evaluation;

    @Inject
    PolicyService policies;

    @Test
    void run() {
        long seeding = System.nanoTime();
        QuarkusTransaction.requiringNew().timeout(600).run(() -> {
            em.createNativeQuery("insert into rm_resource (resource_id, name, sensitivity, scenario_id, updated_at)"
                    + " select md5('r' || i)::uuid, 'resource ' || i, (array['PUBLIC','GENERAL','CONFIDENTIAL','HIGHLY_CONFIDENTIAL'])[1 + i % 4], null, now()"
                    + " from generate_series(0, " + (RESOURCES - 1) + ") i").executeUpdate();
            em.createNativeQuery("insert into rm_resource_owner (resource_id, email) select md5('r' || i)::uuid, 'owner' || (i % 50) || '@corp.example'"
                    + " from generate_series(0, " + (RESOURCES - 1) + ") i").executeUpdate();
            em.createNativeQuery("insert into rm_guest (guest_id, email, partner_id, state, updated_at)"
                    + " select md5('g' || i)::uuid, 'guest' || i || '@partner' || (i % " + PARTNERS + ") || '.example', md5('p' || (i % " + PARTNERS + "))::uuid,"
                    + " 'ACTIVE', now() from generate_series(0, " + (GUESTS - 1) + ") i").executeUpdate();
            em.createNativeQuery("insert into rm_guest_sponsor (guest_id, email) select md5('g' || i)::uuid, 'sponsor' || (i % 300) || '@corp.example'"
                    + " from generate_series(0, " + (GUESTS - 1) + ") i").executeUpdate();
            em.createNativeQuery("insert into rm_grant (grant_id, guest_id, resource_id, role, state, updated_at)"
                    + " select md5('x' || i)::uuid, md5('g' || (i % " + GUESTS + "))::uuid, md5('r' || ((i / " + GUESTS + ") * 7 + i) % " + RESOURCES + ")::uuid,"
                    + " 'reader', 'ACTIVE', now() from generate_series(0, " + (GRANTS - 1) + ") i").executeUpdate();
        });
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("analyze").executeUpdate());
        System.out.printf("seeded %d guests, %d resources, %d grants in %d ms%n", GUESTS, RESOURCES, GRANTS, (System.nanoTime() - seeding) / 1_000_000);

        PolicyRule block = new PolicyRule(PolicyRule.Type.PARTNER_DOMAINS, null, List.of("partner7.example"), null, null, null, null, null, null,
                null, null);
        for (int round = 1; round <= 3; round++) {
            long simulated = System.nanoTime();
            GrantEvaluation.Result result = evaluation.evaluate(CompiledPolicy.of(new UUID(0, 0), 0, "draft", Policy.Mode.ENFORCE, PolicyScope.ANY, block), 1000);
            System.out.printf("simulation %d: %d grants evaluated, %d flagged, in %d ms%n", round, result.evaluated(), result.flagged(),
                    (System.nanoTime() - simulated) / 1_000_000);
            assertEquals(GRANTS, result.evaluated());
            assertEquals(GRANTS / PARTNERS, result.flagged());
        }

        long saved = System.nanoTime();
        UUID policy = policies.create(new PolicyService.Draft("No partner7", Policy.Mode.ENFORCE, PolicyScope.ANY, block), "benchmark").key.policyId();
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(100)).until(() -> QuarkusTransaction.requiringNew().call(() ->
                ((Number) em.createNativeQuery("select count(*) from violation where policy_id = :p").setParameter("p", policy).getSingleResult())
                        .longValue()) == GRANTS / PARTNERS);
        System.out.printf("continuous evaluation: a new ENFORCE policy against %d grants, %d violations opened and their revocations requested,"
                + " in %d ms from the save%n", GRANTS, GRANTS / PARTNERS, (System.nanoTime() - saved) / 1_000_000);
    }
}

package dev.portcullis.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portcullis.backbone.work.Retention;
import dev.portcullis.policy.service.DecisionLogRetention;
import dev.portcullis.testsupport.KafkaResource;
import dev.portcullis.testsupport.PostgresResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The decision log does not grow without bound: Retention prunes decisions older than the retention (30 days), and keeps the rest. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
class DecisionLogRetentionTest {

    @Inject
    Retention retention;

    @Inject
    DecisionLogRetention decisionLog;

    @Inject
    EntityManager em;

    @Test
    void decisionsOlderThanTheRetentionArePrunedAndTheRestKept() {
        assertEquals(Duration.ofDays(30), decisionLog.keep());
        UUID old = decision(Instant.now().minus(Duration.ofDays(31)));
        UUID recent = decision(Instant.now().minus(Duration.ofDays(29)));
        retention.pruneKept(decisionLog);
        assertEquals(0, count(old), "a decision 31 days old is pruned");
        assertEquals(1, count(recent), "a decision 29 days old is kept");
    }

    private UUID decision(Instant at) {
        UUID id = UUID.randomUUID();
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("""
                insert into decision_log (id, decided_at, caller, subject_type, subject_id, action, resource_type, resource_id, decision, reasons, policies)
                values (?1, ?2, 'test', 'guest', 'ann@contoso.example', 'grant', 'resource', 'crm', true, '[]', '[]')""")
                .setParameter(1, id).setParameter(2, at).executeUpdate());
        return id;
    }

    private long count(UUID id) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery("select count(*) from decision_log where id = ?1")
                .setParameter(1, id).getSingleResult()).longValue());
    }
}

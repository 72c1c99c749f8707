package dev.portcullis.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portcullis.backbone.work.Retention;
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

/** The decision log does not grow without bound (Retention prunes decisions older than 30 days) and forgets a removed guest's address. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
class DecisionLogRetentionTest {

    @Inject
    Retention retention;

    @Inject
    jakarta.enterprise.inject.Instance<Retention.Kept> keptTables;

    @Inject
    EntityManager em;

    @Inject
    javax.sql.DataSource dataSource;

    @Test
    void decisionsOlderThanTheRetentionArePrunedAndTheRestKept() {
        Retention.Kept decisionLog = keptTables.stream().filter(kept -> kept.table().equals("decision_log")).findFirst().orElseThrow();
        assertEquals(Duration.ofDays(30), decisionLog.keep());
        UUID old = decision(Instant.now().minus(Duration.ofDays(31)));
        UUID recent = decision(Instant.now().minus(Duration.ofDays(29)));
        retention.pruneKept(decisionLog);
        assertEquals(0, count(old), "a decision 31 days old is pruned");
        assertEquals(1, count(recent), "a decision 29 days old is kept");
    }

    /** A removed guest's address leaves the decision log (subject, resource, reasons); the decisions stay, about the placeholder. */
    @Test
    void aRemovedGuestsAddressLeavesTheDecisionLogAndTheDecisionsStay() throws Exception {
        String guestId = UUID.randomUUID().toString();
        String email = "Zed.Q+" + guestId.substring(0, 6) + "@contoso.example";
        UUID asSubject = decision(Instant.now(), email, "crm", "[]");
        UUID asResource = decision(Instant.now(), "admin@example.com", email.toLowerCase(java.util.Locale.ROOT), "[{\"message\": \"" + email + " is blocked\"}]");
        new dev.portcullis.testsupport.KafkaTestClient(KafkaResource.bootstrapServers()).publish(new dev.portcullis.events.GuestRemoved(guestId,
                java.util.List.of("sponsor@example.com"), "ADMIN", null, java.util.List.of(), Instant.now(), "admin", email));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> dev.portcullis.testsupport.PersonalDataScan.holding(dataSource,
                email), java.util.List::isEmpty);
        assertEquals(1, count(asSubject));
        assertEquals(1, count(asResource));
        String erased = dev.portcullis.events.GuestRemoved.erasedEmail(guestId);
        assertEquals(erased, QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery("select subject_id from decision_log where id = ?1")
                .setParameter(1, asSubject).getSingleResult()));
        assertEquals("[{\"message\": \"" + erased + " is blocked\"}]", QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery(
                "select reasons from decision_log where id = ?1").setParameter(1, asResource).getSingleResult()));
    }

    private UUID decision(Instant at) {
        return decision(at, "ann@contoso.example", "crm", "[]");
    }

    private UUID decision(Instant at, String subject, String resource, String reasons) {
        UUID id = UUID.randomUUID();
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("""
                insert into decision_log (id, decided_at, caller, subject_type, subject_id, action, resource_type, resource_id, decision, reasons, policies)
                values (?1, ?2, 'test', 'guest', ?3, 'grant', 'resource', ?4, true, ?5, '[]')""")
                .setParameter(1, id).setParameter(2, at).setParameter(3, subject).setParameter(4, resource).setParameter(5, reasons).executeUpdate());
        return id;
    }

    private long count(UUID id) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery("select count(*) from decision_log where id = ?1")
                .setParameter(1, id).getSingleResult()).longValue());
    }
}

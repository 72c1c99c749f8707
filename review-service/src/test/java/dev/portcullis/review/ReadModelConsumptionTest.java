package dev.portcullis.review;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.events.AccessGranted;
import dev.portcullis.events.AccessRevoked;
import dev.portcullis.events.EventType;
import dev.portcullis.events.RevocationReason;
import dev.portcullis.events.Topic;
import dev.portcullis.readmodel.KnownGrant;
import dev.portcullis.testsupport.KafkaResource;
import dev.portcullis.testsupport.KafkaTestClient;
import dev.portcullis.testsupport.PostgresControl;
import dev.portcullis.testsupport.PostgresResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The read model applies a poll's records in one transaction. What that must not change: a record
 * that can never apply is dead-lettered alone (not the batch it came in), and records read while
 * PostgreSQL is down are applied once it is back, none dead-lettered.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
class ReadModelConsumptionTest {

    private final KafkaTestClient kafka = new KafkaTestClient(KafkaResource.bootstrapServers());

    @Test
    void aPoisonRecordInABatchIsDeadLetteredAloneAndTheRestIsApplied() {
        String guest = UUID.randomUUID().toString();
        String resource = UUID.randomUUID().toString();
        List<String> grants = new ArrayList<>();
        List<ProducerRecord<String, String>> records = new ArrayList<>();
        List<String> goodIds = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String grant = UUID.randomUUID().toString();
            grants.add(grant);
            String ceId = UUID.randomUUID().toString();
            goodIds.add(ceId);
            records.add(KafkaTestClient.record(new AccessGranted(grant, guest, resource, "role-" + i, Instant.now(), null, "admin", null), ceId));
        }
        // same key, so the same partition, between the grants and the revocation: breaks the access-revoked schema
        String poisonId = UUID.randomUUID().toString();
        records.add(new ProducerRecord<>(Topic.INVENTORY_ACCESS.topicName(), null, guest, "{\"grantId\": \"not-a-uuid\"}",
                KafkaTestClient.ceHeaders(poisonId, EventType.ACCESS_REVOKED)));
        String revocationId = UUID.randomUUID().toString();
        goodIds.add(revocationId);
        records.add(KafkaTestClient.record(new AccessRevoked(grants.get(0), guest, resource, "CRM", List.of("o@example.com"), "role-0",
                RevocationReason.PARTNER_ACCOUNT_DISABLED, "signal-batch", Instant.now(), "partner"), revocationId));
        kafka.publishTogether(records);

        Map<UUID, String> states = await().atMost(Duration.ofSeconds(30)).until(() -> grantStates(grants),
                s -> s.size() == grants.size() && KnownGrant.REVOKED.equals(s.get(UUID.fromString(grants.get(0)))));
        assertEquals(19, states.values().stream().filter(KnownGrant.ACTIVE::equals).count(), states.toString());

        List<ConsumerRecord<String, String>> dead = await().atMost(Duration.ofSeconds(30)).until(
                () -> kafka.readAll(Topic.INVENTORY_ACCESS.deadLetterTopicName(), r -> guest.equals(r.key())), l -> !l.isEmpty());
        assertEquals(List.of(poisonId), dead.stream().map(r -> KafkaTestClient.header(r, "ce_id")).toList(), "only the poison record");
        ConsumerRecord<String, String> poison = dead.get(0);
        assertEquals(Topic.INVENTORY_ACCESS.topicName(), KafkaTestClient.header(poison, "dead-letter-topic"));
        assertTrue(KafkaTestClient.header(poison, "dead-letter-reason").contains("schema"), KafkaTestClient.header(poison, "dead-letter-reason"));
        assertEquals("{\"grantId\": \"not-a-uuid\"}", poison.value());
        assertTrue(KafkaTestClient.header(poison, "dead-letter-offset").matches("\\d+"));
    }

    @Test
    void eventsReadWhilePostgresIsDownAreAppliedWhenItIsBackAndNoneIsDeadLettered() throws Exception {
        Assumptions.assumeTrue(PostgresControl.available(), "stopping PostgreSQL needs root and the local cluster (deploy/local/postgres.sh)");
        String resource = UUID.randomUUID().toString();
        Set<String> guests = new java.util.HashSet<>();
        List<String> grants = new ArrayList<>();
        List<ProducerRecord<String, String>> granted = new ArrayList<>();
        List<ProducerRecord<String, String>> revoked = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String guest = UUID.randomUUID().toString();
            String grant = UUID.randomUUID().toString();
            guests.add(guest);
            grants.add(grant);
            granted.add(KafkaTestClient.record(new AccessGranted(grant, guest, resource, "reader", Instant.now(), null, "admin", null),
                    UUID.randomUUID().toString()));
            if (i % 2 == 0) {
                revoked.add(KafkaTestClient.record(new AccessRevoked(grant, guest, resource, "CRM", List.of("o@example.com"), "reader",
                        RevocationReason.PARTNER_ACCOUNT_DISABLED, "signal-outage", Instant.now(), "partner"), UUID.randomUUID().toString()));
            }
        }

        PostgresControl.stop();
        try {
            kafka.publishTogether(granted);
            kafka.publishTogether(revoked);
            // the outage lasts 15 s from the first event, whatever the consumer does meanwhile
            Thread.sleep(15_000);
        } finally {
            PostgresControl.start();
        }

        Map<UUID, String> states = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                .until(() -> grantStates(grants), s -> s.size() == grants.size() && s.values().stream().filter(KnownGrant.REVOKED::equals).count() == 20);
        assertEquals(20, states.values().stream().filter(KnownGrant.ACTIVE::equals).count(), states.toString());
        for (int i = 0; i < grants.size(); i++) {
            assertEquals(i % 2 == 0 ? KnownGrant.REVOKED : KnownGrant.ACTIVE, states.get(UUID.fromString(grants.get(i))), "grant " + i);
        }
        assertEquals(List.of(), kafka.readAll(Topic.INVENTORY_ACCESS.deadLetterTopicName(), r -> guests.contains(r.key())));
    }

    private static Map<UUID, String> grantStates(List<String> grants) {
        List<UUID> ids = grants.stream().map(UUID::fromString).toList();
        return QuarkusTransaction.requiringNew().call(() -> KnownGrant.<KnownGrant>list("grantId in ?1", ids).stream()
                .collect(Collectors.toMap(g -> g.grantId, g -> g.state)));
    }
}

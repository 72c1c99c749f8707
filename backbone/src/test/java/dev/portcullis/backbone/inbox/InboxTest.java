package dev.portcullis.backbone.inbox;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portcullis.events.EventJson;
import dev.portcullis.events.EventType;
import dev.portcullis.events.PartnerUpserted;
import dev.portcullis.events.Topic;
import dev.portcullis.testsupport.KafkaResource;
import dev.portcullis.testsupport.KafkaTestClient;
import dev.portcullis.testsupport.PostgresResource;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The inbox applies each event once, however often Kafka delivers it: twice in one poll (a relay that took over may publish an
 * event again), or again later. backbone's test application consumes {@code inventory.partners} and records each event it applied.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
class InboxTest {

    @Inject
    AgroalDataSource dataSource;

    @Test
    void anEventDeliveredAgainInTheSamePollOrLaterIsAppliedOnce() throws Exception {
        KafkaTestClient kafka = new KafkaTestClient(KafkaResource.bootstrapServers());
        String partner = UUID.randomUUID().toString();
        String twice = UUID.randomUUID().toString();
        List<String> others = new ArrayList<>();
        // the repeat follows at once, among events of the same key: the consumer most likely takes them in one poll
        publish(kafka, partner, twice);
        publish(kafka, partner, twice);
        for (int i = 0; i < 5; i++) {
            String ceId = UUID.randomUUID().toString();
            others.add(ceId);
            publish(kafka, partner, ceId);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> applied(partner) == 6);
        // and once more, in a later poll
        publish(kafka, partner, twice);
        String last = UUID.randomUUID().toString();
        publish(kafka, partner, last);
        await().atMost(Duration.ofSeconds(20)).until(() -> applied(partner) == 7);
        assertEquals(1, appliedAs(twice), "the event delivered three times was applied once");
        for (String ceId : others) {
            assertEquals(1, appliedAs(ceId));
        }
    }

    /**
     * What a handler gathers over a poll and writes before the commit ({@code applyAll}'s {@code beforeCommit}) counts each event
     * applied once: written with the events' own transaction, and rolled back with it. A poison record among them rolls the batch back
     * and applies the rest one by one; the batch's gathered write must go with it, or the events would count twice.
     */
    @Test
    void whatIsGatheredOverAPollIsWrittenOnceWithTheEventsItCounts() throws Exception {
        KafkaTestClient kafka = new KafkaTestClient(KafkaResource.bootstrapServers());
        String partner = UUID.randomUUID().toString();
        String first = UUID.randomUUID().toString();
        List<org.apache.kafka.clients.producer.ProducerRecord<String, String>> poll = new ArrayList<>();
        poll.add(record(partner, first));
        poll.add(record(partner, UUID.randomUUID().toString()));
        // no ce_id: poison, dead-lettered; the records around it are applied one by one
        poll.add(new org.apache.kafka.clients.producer.ProducerRecord<>(Topic.INVENTORY_PARTNERS.topicName(), partner, "{}"));
        poll.add(record(partner, UUID.randomUUID().toString()));
        poll.add(record(partner, first)); // delivered again: applied, and counted, once
        kafka.publishTogether(poll);
        await().atMost(Duration.ofSeconds(30)).until(() -> applied(partner) == 3 && gathered(partner) == 3);
        // a later poll: the count goes on from there, and a transaction that applied nothing wrote nothing
        String last = UUID.randomUUID().toString();
        publish(kafka, partner, last);
        await().atMost(Duration.ofSeconds(20)).until(() -> gathered(partner) == 4);
        assertEquals(4, applied(partner));
        assertEquals(0, count("select count(*) from test_applied_batch where record_key = ? and events < 1", partner));
    }

    private static org.apache.kafka.clients.producer.ProducerRecord<String, String> record(String partner, String ceId) {
        return new org.apache.kafka.clients.producer.ProducerRecord<>(Topic.INVENTORY_PARTNERS.topicName(), null, partner,
                EventJson.write(new PartnerUpserted(partner, "Contoso", "tenant-" + partner, List.of("contoso.example"), "CONNECTED", "admin",
                        Instant.now())), KafkaTestClient.ceHeaders(ceId, EventType.PARTNER_UPSERTED));
    }

    private long gathered(String partner) throws SQLException {
        return count("select coalesce(sum(events), 0) from test_applied_batch where record_key = ?", partner);
    }

    private static void publish(KafkaTestClient kafka, String partner, String ceId) {
        kafka.publishRaw(Topic.INVENTORY_PARTNERS.topicName(), partner, EventJson.write(new PartnerUpserted(partner, "Contoso",
                "tenant-" + partner, List.of("contoso.example"), "CONNECTED", "admin", Instant.now())),
                KafkaTestClient.ceHeaders(ceId, EventType.PARTNER_UPSERTED));
    }

    private long applied(String partner) throws SQLException {
        return count("select count(*) from test_applied_event where record_key = ?", partner);
    }

    private long appliedAs(String ceId) throws SQLException {
        return count("select count(*) from test_applied_event where ce_id = ?", ceId);
    }

    private long count(String sql, String value) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, value);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }
}

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

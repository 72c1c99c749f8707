package dev.portcullis.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.events.EventJson;
import dev.portcullis.events.EventSchemas;
import dev.portcullis.events.EventType;
import dev.portcullis.events.Topic;
import dev.portcullis.events.ocsf.OcsfRecord;
import dev.portcullis.testsupport.KafkaTestClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The SOC's OCSF feed, as a SIEM reads it ({@code read_committed}) from the running platform: one partner signal's chain, in
 * order on its guest's key, joined to the CloudEvents by {@code metadata.uid} and to its cause by {@code correlation_uid}; and
 * every record on the topic, whichever test made it, valid OCSF 1.8.0 of its class.
 */
@ExtendWith(Platform.class)
class SocOcsfFeedTest {

    @Test
    void aPartnerSignalsChainIsOnTheFeedInOrderAndJoinsItsCloudEvents() {
        Platform platform = Platform.get();
        KafkaTestClient kafka = platform.kafka();
        Chain chain = Chain.create(platform, 2);
        String guest = chain.guest().id();
        String signalId = platform.inventory().postSignal("ACCOUNT_DISABLED", chain.guest().homeTenantId(), chain.guest().homeSubject(), Instant.now())
                .then().statusCode(202).extract().path("id");

        // invited, two grants, the signal, the block, two revocations (and a SET made for each stream of our transmitter that
        // another test left enabled: those are Entity Management records of their own, left out of the sequence here)
        List<ConsumerRecord<String, String>> records = await().atMost(Duration.ofSeconds(30))
                .until(() -> kafka.readAll(Topic.SOC_OCSF.topicName(), r -> guest.equals(r.key())), r -> r.stream()
                        .filter(x -> json(x.value()).path("type_uid").asLong() == 300502L).count() == 2);
        List<JsonNode> feed = records.stream().sorted(java.util.Comparator.comparingLong(ConsumerRecord::offset)).map(r -> json(r.value()))
                .filter(e -> !"Security Event Token".equals(e.at("/entity/type").asText())).toList();
        assertEquals(1, records.stream().map(ConsumerRecord::partition).distinct().count(), "one guest, one partition");
        assertEquals(List.of(300101L, 300501L, 300501L, 300105L, 300502L, 300502L, 300105L),
                feed.stream().map(e -> e.path("type_uid").asLong()).toList(),
                "invited, granted twice, the partner's statement, revoked twice, blocked (naming what it revoked): in commit order");
        for (ConsumerRecord<String, String> record : records) {
            assertEquals(OcsfRecord.CE_TYPE, KafkaTestClient.header(record, "ce_type"));
            assertEquals(List.of(), EventSchemas.ocsfViolations(json(record.value())), record.value());
        }

        JsonNode statement = feed.get(3);
        assertEquals(signalId, statement.at("/metadata/uid").asText(), "the signal's own id");
        assertEquals(chain.guest().homeSubject(), statement.at("/user/uid_alt").asText(), "the account at the partner");
        assertEquals(chain.guest().homeTenantId(), statement.at("/user/org/uid").asText());
        for (JsonNode effect : feed.subList(4, 7)) {
            assertEquals(signalId, effect.at("/metadata/correlation_uid").asText(), "every effect names the signal as its cause");
            assertEquals(guest, effect.at("/user/uid").asText());
        }
        // a SIEM joins each revocation to its CloudEvent on inventory.access
        Set<String> revokedCeIds = chain.revokedOnKafka(kafka).stream().map(r -> KafkaTestClient.header(r, "ce_id")).collect(Collectors.toSet());
        assertEquals(revokedCeIds, feed.subList(4, 6).stream().map(e -> e.at("/metadata/uid").asText()).collect(Collectors.toSet()));
        List<ConsumerRecord<String, String>> blocked = kafka.readAll(Topic.INVENTORY_GUESTS.topicName(), r -> guest.equals(r.key())
                && EventType.GUEST_BLOCKED.ceType().equals(KafkaTestClient.header(r, "ce_type")));
        assertEquals(1, blocked.size());
        String blockedCeId = KafkaTestClient.header(blocked.get(0), "ce_id");
        assertEquals(blockedCeId, feed.get(6).at("/metadata/uid").asText());

        System.out.println("soc.ocsf, one partner signal's chain (key " + guest + "):");
        feed.forEach(e -> System.out.println("  " + e));
    }

    /** Whatever the platform has written so far (the other e2e tests' reviews, requests, violations, SETs): all valid OCSF. */
    @Test
    void everyRecordOnTheFeedIsValidOcsfOfItsClass() {
        List<ConsumerRecord<String, String>> records = Platform.get().kafka().readAll(Topic.SOC_OCSF.topicName());
        assertFalse(records.isEmpty(), "the feed has records");
        List<String> invalid = new ArrayList<>();
        for (ConsumerRecord<String, String> record : records) {
            List<String> violations = EventSchemas.ocsfViolations(json(record.value()));
            if (!violations.isEmpty()) {
                invalid.add(record.value() + ": " + violations);
            }
            assertTrue(record.key() != null && !record.key().isBlank(), "keyed");
        }
        assertEquals(List.of(), invalid);
        System.out.printf("soc.ocsf: %d records, each valid OCSF 1.8.0; by class %s%n", records.size(), records.stream()
                .collect(Collectors.groupingBy(r -> json(r.value()).path("type_uid").asLong(), java.util.TreeMap::new, Collectors.counting())));
    }

    private static JsonNode json(String value) {
        return EventJson.tree(value);
    }
}

package dev.portcullis.e2e;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.testsupport.InventoryApi;
import dev.portcullis.testsupport.KafkaTestClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The flagship across the four service processes, a Kafka broker, PostgreSQL, an SMTP server and
 * Keycloak: a partner disables a guest's account, and everything the guest holds ends at once.
 */
@ExtendWith(Platform.class)
class PartnerAccountDisabledChainTest {

    @Test
    void aDisabledAccountRevokesEveryGrantPublishesTheChainAndTellsEachPersonOnce() {
        Platform platform = Platform.get();
        InventoryApi inventory = platform.inventory();
        KafkaTestClient kafka = platform.kafka();
        Chain chain = Chain.create(platform, 5);
        Instant occurredAt = Instant.now();

        String signalId = inventory.postSignal("ACCOUNT_DISABLED", chain.guest().homeTenantId(), chain.guest().homeSubject(), occurredAt)
                .then().statusCode(202).extract().path("id");

        await().atMost(Duration.ofSeconds(5)).until(() -> inventory.grantStates(chain.guest().id()),
                equalTo(Collections.nCopies(5, "REVOKED")));
        List<ConsumerRecord<String, String>> revoked = await().atMost(Duration.ofSeconds(5))
                .until(() -> chain.revokedOnKafka(kafka), r -> r.size() == 5);
        assertTrue(revoked.stream().allMatch(r -> chain.guest().id().equals(r.key())), "keyed by the guest id");
        assertTrue(revoked.stream().allMatch(r -> "1.0".equals(KafkaTestClient.header(r, "ce_specversion"))
                && r.value().contains(signalId)), "CloudEvents naming the signal as their cause");
        // up to 60 s: after the fault test froze and thawed the SMTP server, a pooled connection can stall one send until it times out
        await().atMost(Duration.ofSeconds(60)).until(() -> chain.mailCounts(platform), equalTo(List.of(1, 1, 1)));

        // the same signal again: the same id, nothing changes, nothing is published or sent
        inventory.postSignal("ACCOUNT_DISABLED", chain.guest().homeTenantId(), chain.guest().homeSubject(), occurredAt)
                .then().statusCode(202).body("id", equalTo(signalId)).body("duplicate", equalTo(true));
        // a second chain afterwards: once its mails are in, anything the repeat caused would be too
        Chain later = Chain.create(platform, 1);
        inventory.postSignal("ACCOUNT_DISABLED", later.guest().homeTenantId(), later.guest().homeSubject(), Instant.now())
                .then().statusCode(202);
        await().atMost(Duration.ofSeconds(60)).until(() -> later.mailCounts(platform), equalTo(List.of(1, 1, 0)));

        assertEquals(Collections.nCopies(5, "REVOKED"), inventory.grantStates(chain.guest().id()));
        assertEquals(5, chain.revokedOnKafka(kafka).size());
        assertEquals(List.of(1, 1, 1), chain.mailCounts(platform));
        platform.inventory().as(platform.userToken("auditor")).get("/api/v1/partner-signals/" + signalId).then().statusCode(200)
                .body("outcome", equalTo("APPLIED")).body("revokedGrantIds.size()", equalTo(5));
    }
}

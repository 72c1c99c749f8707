package dev.portcullis.e2e;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portcullis.testsupport.InventoryApi;
import dev.portcullis.testsupport.KafkaTestClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Nothing is lost while the broker is down: the outbox holds the events until it is back. */
@ExtendWith(Platform.class)
class KafkaOutageTest {

    @Test
    void aSignalAcceptedWhileKafkaIsDownTakesFullEffectOnceKafkaIsBackAndNothingHappensTwice() {
        Platform platform = Platform.get();
        InventoryApi inventory = platform.inventory();
        Chain chain = Chain.create(platform, 3);
        String adminToken = platform.userToken("admin");
        String signalToken = platform.signalToken();
        InventoryApi withTokens = new InventoryApi(platform.endpoint("INVENTORY_URL"), () -> adminToken, () -> signalToken);

        platform.stopKafka();
        try {
            withTokens.postSignal("ACCOUNT_DISABLED", chain.guest().homeTenantId(), chain.guest().homeSubject(), Instant.now())
                    .then().statusCode(202).body("outcome", equalTo("APPLIED"));
            // the revocation itself does not wait for Kafka
            assertEquals(Collections.nCopies(3, "REVOKED"), withTokens.grantStates(chain.guest().id()));
        } finally {
            platform.startKafka();
        }

        KafkaTestClient kafka = platform.kafka();
        await().atMost(Duration.ofSeconds(60)).until(() -> chain.revokedOnKafka(kafka).size() == 3);
        await().atMost(Duration.ofSeconds(90)).until(() -> chain.mailCounts(platform), equalTo(List.of(1, 1, 1)));

        // let the pipeline run through once more, then check that nothing was published or sent twice
        Chain later = Chain.create(platform, 1);
        inventory.postSignal("ACCOUNT_DISABLED", later.guest().homeTenantId(), later.guest().homeSubject(), Instant.now())
                .then().statusCode(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> later.mailCounts(platform), equalTo(List.of(1, 1, 0)));
        assertEquals(3, chain.revokedOnKafka(kafka).stream().map(r -> KafkaTestClient.header(r, "ce_id")).distinct().count());
        assertEquals(3, chain.revokedOnKafka(kafka).size());
        assertEquals(List.of(1, 1, 1), chain.mailCounts(platform));
    }
}

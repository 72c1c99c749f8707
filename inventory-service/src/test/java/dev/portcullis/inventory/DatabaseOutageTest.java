package dev.portcullis.inventory;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portcullis.events.AccessRevoked;
import dev.portcullis.events.EventJson;
import dev.portcullis.events.EventType;
import dev.portcullis.events.PartnerAccountDisabled;
import dev.portcullis.events.Topic;
import dev.portcullis.testsupport.InventoryApi;
import dev.portcullis.testsupport.KafkaResource;
import dev.portcullis.testsupport.KafkaTestClient;
import dev.portcullis.testsupport.PostgresControl;
import dev.portcullis.testsupport.PostgresResource;
import dev.portcullis.testsupport.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL goes away under the partner-signal consumer for 15 s while signals arrive on Kafka.
 * A transient failure is not poison: when the database is back every signal is applied, once, and
 * nothing is dead-lettered.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
class DatabaseOutageTest {

    @TestHTTPResource("/")
    URL baseUrl;

    @Test
    void signalsReadWhilePostgresIsDownAreAppliedOnceWhenItIsBack() throws Exception {
        Assumptions.assumeTrue(PostgresControl.available(), "stopping PostgreSQL needs root and the local cluster (deploy/local/postgres.sh)");
        InventoryApi api = new InventoryApi(baseUrl.toString(), TestTokens::admin, TestTokens::signal);
        KafkaTestClient kafka = new KafkaTestClient(KafkaResource.bootstrapServers());
        String suffix = Long.toHexString(System.nanoTime());
        List<String> resources = List.of(api.createResource("Outage A " + suffix, "GENERAL", List.of("a@example.com")),
                api.createResource("Outage B " + suffix, "GENERAL", List.of("b@example.com")));
        List<InventoryApi.Guest> guests = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            guests.add(api.guestWithGrants(resources, 2, "sponsor@example.com"));
        }
        Set<String> grants = guests.stream().flatMap(g -> api.as(TestTokens.admin()).queryParam("guestId", g.id()).get("/api/v1/grants")
                .then().extract().<List<String>>path("items.id").stream()).collect(Collectors.toSet());
        Set<String> signalKeys = guests.stream().map(g -> g.homeTenantId() + "/" + g.homeSubject()).collect(Collectors.toSet());

        PostgresControl.stop();
        try {
            for (InventoryApi.Guest guest : guests) {
                kafka.publishTo(Topic.PartnerSignalConnectors.topicOf(TestTokens.SIGNAL_CONNECTOR), new PartnerAccountDisabled(guest.homeTenantId(), guest.homeSubject(), null, Instant.now(), null, null));
            }
            // the outage lasts 15 s from the first signal, whatever the consumer does meanwhile
            Thread.sleep(15_000);
        } finally {
            PostgresControl.start();
        }

        // a request that meets the database still coming back gets 503 Retry-After, as any client would: ask again
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().until(() -> guests.stream()
                .allMatch(g -> api.grantStates(g.id()).equals(List.of("REVOKED", "REVOKED"))));
        Map<String, Long> revocations = await().atMost(Duration.ofSeconds(30)).until(() -> kafka.readAll(Topic.INVENTORY_ACCESS.topicName(),
                        r -> EventType.ACCESS_REVOKED.ceType().equals(KafkaTestClient.header(r, "ce_type"))).stream()
                .map(r -> EventJson.read(r.value(), AccessRevoked.class).grantId()).filter(grants::contains)
                .collect(Collectors.groupingBy(id -> id, Collectors.counting())), counts -> counts.keySet().equals(grants));
        assertEquals(Set.of(1L), Set.copyOf(revocations.values()), "one access-revoked per grant");
        assertEquals(List.of(), kafka.readAll(Topic.PARTNER_SIGNALS.deadLetterTopicName(), r -> signalKeys.contains(r.key())));
        for (InventoryApi.Guest guest : guests) {
            assertEquals("BLOCKED", api.as(TestTokens.admin()).get("/api/v1/guests/" + guest.id()).then().statusCode(200)
                    .extract().path("state"), "guest " + guest.id());
        }
    }
}

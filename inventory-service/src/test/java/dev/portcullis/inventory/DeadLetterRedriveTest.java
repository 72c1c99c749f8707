package dev.portcullis.inventory;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portcullis.events.EventJson;
import dev.portcullis.events.EventType;
import dev.portcullis.events.PartnerAccountDisabled;
import dev.portcullis.events.Topic;
import dev.portcullis.testsupport.InventoryApi;
import dev.portcullis.testsupport.KafkaResource;
import dev.portcullis.testsupport.KafkaTestClient;
import dev.portcullis.testsupport.PostgresResource;
import dev.portcullis.testsupport.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.path.json.JsonPath;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/**
 * An operator lists the dead letters with their reasons and, once the cause is fixed, re-drives
 * one: it is published again to its topic with its CloudEvents id, and applied.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
class DeadLetterRedriveTest {

    /** Where the tests' partner-signal connector writes: a dead letter of it goes back there. */
    private static final String CONNECTOR_TOPIC = Topic.PartnerSignalConnectors.topicOf(TestTokens.SIGNAL_CONNECTOR);

    @TestHTTPResource("/")
    URL baseUrl;

    @Test
    void aDeadLetterIsListedWithItsReasonAndAReDriveAppliesIt() {
        InventoryApi api = new InventoryApi(baseUrl.toString(), TestTokens::admin, TestTokens::signal);
        KafkaTestClient kafka = new KafkaTestClient(KafkaResource.bootstrapServers());
        InventoryApi.Guest guest = api.guestWithGrants(api.twoResources(), 2, "sponsor@example.com");
        // a signal dead-lettered earlier, say by a bug since fixed: on the dead-letter topic as SmallRye writes it
        String ceId = UUID.randomUUID().toString();
        RecordHeaders headers = KafkaTestClient.ceHeaders(ceId, EventType.PARTNER_ACCOUNT_DISABLED);
        headers.add("dead-letter-topic", CONNECTOR_TOPIC.getBytes(StandardCharsets.UTF_8));
        headers.add("dead-letter-reason", "simulated bug, since fixed".getBytes(StandardCharsets.UTF_8));
        kafka.publishRaw(Topic.PARTNER_SIGNALS.deadLetterTopicName(), guest.homeTenantId() + "/" + guest.homeSubject(),
                EventJson.write(new PartnerAccountDisabled(guest.homeTenantId(), guest.homeSubject(), null, Instant.now(), null, null)), headers);

        JsonPath listed = await().atMost(Duration.ofSeconds(20)).until(() -> api.as(TestTokens.admin())
                .queryParam("topic", Topic.PARTNER_SIGNALS.deadLetterTopicName()).get("/api/v1/admin/dead-letters")
                .then().statusCode(200).extract().jsonPath(), json -> json.getList("items.ceId").contains(ceId));
        Map<String, Object> dead = listed.getList("items", Map.class).stream().filter(i -> ceId.equals(i.get("ceId"))).findFirst().orElseThrow();
        assertEquals("simulated bug, since fixed", dead.get("reason"));
        assertEquals(CONNECTOR_TOPIC, dead.get("originalTopic"));
        assertEquals(List.of("ACTIVE", "ACTIVE"), api.grantStates(guest.id()));

        api.as(TestTokens.admin()).body(Map.of("records", List.of(Map.of("topic", dead.get("topic"), "partition", dead.get("partition"),
                "offset", dead.get("offset"))))).post("/api/v1/admin/dead-letters/redrive").then().statusCode(200)
                .body("[0].toTopic", equalTo(CONNECTOR_TOPIC));

        await().atMost(Duration.ofSeconds(20)).until(() -> api.grantStates(guest.id()).equals(List.of("REVOKED", "REVOKED")));
        api.as(TestTokens.admin()).queryParam("topic", "inventory.access").get("/api/v1/admin/dead-letters").then().statusCode(400)
                .body("errors[0].field", equalTo("topic"));
        api.as(TestTokens.admin()).body(Map.of("records", List.of(Map.of("topic", Topic.PARTNER_SIGNALS.deadLetterTopicName(),
                "partition", 0, "offset", 999_999)))).post("/api/v1/admin/dead-letters/redrive").then().statusCode(404);
    }
}

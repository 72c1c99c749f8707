package dev.portcullis.backbone.admin;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portcullis.events.EventJson;
import dev.portcullis.events.EventType;
import dev.portcullis.events.PartnerUpserted;
import dev.portcullis.events.Topic;
import dev.portcullis.testsupport.KafkaResource;
import dev.portcullis.testsupport.KafkaTestClient;
import dev.portcullis.testsupport.PostgresResource;
import dev.portcullis.testsupport.TestTokens;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/**
 * An operator lists the dead letters with their reasons and, once the cause is fixed, re-drives one: it is published again to
 * its topic with its CloudEvents id, and the consumer applies it (backbone's test application consumes {@code inventory.partners}).
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
class DeadLetterRedriveTest {

    @TestHTTPResource("/")
    URL baseUrl;

    @Inject
    AgroalDataSource dataSource;

    @Test
    void aDeadLetterIsListedWithItsReasonAndAReDriveAppliesIt() throws Exception {
        KafkaTestClient kafka = new KafkaTestClient(KafkaResource.bootstrapServers());
        String partner = UUID.randomUUID().toString();
        // an event dead-lettered earlier, say by a bug since fixed: on the dead-letter topic as the inbox writes it
        String ceId = UUID.randomUUID().toString();
        RecordHeaders headers = KafkaTestClient.ceHeaders(ceId, EventType.PARTNER_UPSERTED);
        headers.add("dead-letter-topic", Topic.INVENTORY_PARTNERS.topicName().getBytes(StandardCharsets.UTF_8));
        headers.add("dead-letter-reason", "simulated bug, since fixed".getBytes(StandardCharsets.UTF_8));
        kafka.publishRaw(Topic.INVENTORY_PARTNERS.deadLetterTopicName(), partner, EventJson.write(new PartnerUpserted(partner, "Contoso",
                "tenant-" + partner, List.of("contoso.example"), "CONNECTED", "admin", Instant.now())), headers);

        JsonPath listed = await().atMost(Duration.ofSeconds(20)).until(() -> admin()
                .queryParam("topic", Topic.INVENTORY_PARTNERS.deadLetterTopicName()).get("/api/v1/admin/dead-letters")
                .then().statusCode(200).extract().jsonPath(), json -> json.getList("items.ceId").contains(ceId));
        Map<String, Object> dead = listed.getList("items", Map.class).stream().filter(i -> ceId.equals(i.get("ceId"))).findFirst().orElseThrow();
        assertEquals("simulated bug, since fixed", dead.get("reason"));
        assertEquals(Topic.INVENTORY_PARTNERS.topicName(), dead.get("originalTopic"));
        assertEquals(0, applied(ceId));

        admin().body(Map.of("records", List.of(Map.of("topic", dead.get("topic"), "partition", dead.get("partition"),
                "offset", dead.get("offset"))))).post("/api/v1/admin/dead-letters/redrive").then().statusCode(200)
                .body("[0].toTopic", equalTo(Topic.INVENTORY_PARTNERS.topicName()));

        await().atMost(Duration.ofSeconds(20)).until(() -> applied(ceId) == 1);
        // the SOC's feed tells who sent it again, keyed by where it lay
        String where = dead.get("topic") + "/" + dead.get("partition") + "/" + dead.get("offset");
        com.fasterxml.jackson.databind.JsonNode redriven = await().atMost(Duration.ofSeconds(20)).until(() -> kafka.ocsfRecords(where),
                f -> !f.isEmpty()).get(0);
        assertEquals("dev.portcullis.admin.dead-letter-redriven", redriven.at("/metadata/event_code").asText());
        assertEquals(ceId, redriven.at("/entity/data/ceId").asText());
        assertEquals("simulated bug, since fixed", redriven.at("/entity/data/reason").asText());
        admin().queryParam("topic", "inventory.access").get("/api/v1/admin/dead-letters").then().statusCode(400)
                .body("errors[0].field", equalTo("topic"));
        admin().body(Map.of("records", List.of(Map.of("topic", Topic.INVENTORY_PARTNERS.deadLetterTopicName(),
                "partition", 0, "offset", 999_999)))).post("/api/v1/admin/dead-letters/redrive").then().statusCode(404);
    }

    private RequestSpecification admin() {
        return given().baseUri(baseUrl.toString()).auth().oauth2(TestTokens.admin()).contentType("application/json");
    }

    /** How often the consumer applied the event {@code ceId}. */
    private long applied(String ceId) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement("select count(*) from test_applied_event where ce_id = ?")) {
            s.setString(1, ceId);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }
}

package dev.portcullis.inventory;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.events.AccessRevocationRequested;
import dev.portcullis.events.AccessRevoked;
import dev.portcullis.events.EventJson;
import dev.portcullis.events.EventType;
import dev.portcullis.events.RevocationReason;
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
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Review- and policy-service ask inventory-service to revoke a grant over governance.revocations:
 * it revokes with their reason and cause, once, and a request naming a grant it does not know is
 * dead-lettered with the reason.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
class RevocationRequestTest {

    @TestHTTPResource("/")
    URL baseUrl;

    @Test
    void aRequestedRevocationRevokesThatGrantOnceWithTheRequestersReasonAndCause() {
        InventoryApi api = new InventoryApi(baseUrl.toString(), TestTokens::admin, TestTokens::signal);
        KafkaTestClient kafka = new KafkaTestClient(KafkaResource.bootstrapServers());
        InventoryApi.Guest guest = api.guestWithGrants(api.twoResources(), 2, "sponsor@example.com");
        List<String> grants = grantIds(api, guest.id());
        String violation = "violation-" + UUID.randomUUID();

        kafka.publish(new AccessRevocationRequested(grants.get(0), guest.id(), RevocationReason.POLICY_VIOLATION, violation,
                "email domain rival.example is blocked", Instant.now(), "policy-service"));
        // a second request for the same grant, then one for the other grant: once the other is revoked, the second was applied
        kafka.publish(new AccessRevocationRequested(grants.get(0), guest.id(), RevocationReason.REVIEW_DENIED, "item-" + UUID.randomUUID(),
                null, Instant.now(), "review-service"));
        kafka.publish(new AccessRevocationRequested(grants.get(1), guest.id(), RevocationReason.REVIEW_DENIED, "item-2", null, Instant.now(),
                "review-service"));

        await().atMost(Duration.ofSeconds(20)).until(() -> api.grantStates(guest.id()), states -> states.equals(List.of("REVOKED", "REVOKED")));
        JsonPath first = api.as(TestTokens.admin()).get("/api/v1/grants/" + grants.get(0)).then().statusCode(200).extract().jsonPath();
        assertEquals("POLICY_VIOLATION", first.getString("revokedReason"), "the first reason stays");
        assertEquals(violation, first.getString("revocationCause"));
        assertEquals("policy-service", first.getString("revokedBy"));

        List<ConsumerRecord<String, String>> revoked = await().atMost(Duration.ofSeconds(20)).until(() -> kafka.readAll(
                Topic.INVENTORY_ACCESS.topicName(), r -> guest.id().equals(r.key())
                        && EventType.ACCESS_REVOKED.ceType().equals(KafkaTestClient.header(r, "ce_type"))), r -> r.size() >= 2);
        assertEquals(2, revoked.size(), "one access-revoked per grant");
        AccessRevoked firstEvent = EventJson.read(revoked.get(0).value(), AccessRevoked.class);
        assertEquals(grants.get(0), firstEvent.grantId());
        assertEquals(RevocationReason.POLICY_VIOLATION, firstEvent.reason());
        assertEquals(violation, firstEvent.causeId());
    }

    @Test
    void aRequestForAGrantInventoryDoesNotKnowIsDeadLetteredWithTheReason() {
        KafkaTestClient kafka = new KafkaTestClient(KafkaResource.bootstrapServers());
        String unknown = UUID.randomUUID().toString();
        kafka.publish(new AccessRevocationRequested(unknown, UUID.randomUUID().toString(), RevocationReason.POLICY_VIOLATION, "violation-x",
                null, Instant.now(), "policy-service"));

        ConsumerRecord<String, String> dead = await().atMost(Duration.ofSeconds(30)).until(() -> kafka.readAll(
                Topic.GOVERNANCE_REVOCATIONS.deadLetterTopicName(), r -> r.value().contains(unknown)), r -> r.size() == 1).get(0);
        String reason = KafkaTestClient.header(dead, "dead-letter-reason");
        assertTrue(reason.contains("does not know"), reason);
    }

    private static List<String> grantIds(InventoryApi api, String guestId) {
        return api.as(TestTokens.admin()).queryParam("guestId", guestId).get("/api/v1/grants").then().statusCode(200).extract()
                .jsonPath().getList("items.id", String.class);
    }
}

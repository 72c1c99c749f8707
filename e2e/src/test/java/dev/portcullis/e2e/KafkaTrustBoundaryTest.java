package dev.portcullis.e2e;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.events.EventType;
import dev.portcullis.events.PartnerAccountDisabled;
import dev.portcullis.events.PartnerAccountPurged;
import dev.portcullis.events.Topic;
import dev.portcullis.testsupport.KafkaTestClient;
import dev.portcullis.testsupport.TestTokens;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The local broker is a trust boundary as a cluster's is (deploy/kubernetes/kafka-users.yaml, applied by up.sh): a service's
 * credentials write only its own topics, nobody without credentials of the broker's gets in, and a partner-signal connector's
 * word on its own topic is applied for the partners that name it, and for no one else.
 */
@ExtendWith(Platform.class)
class KafkaTrustBoundaryTest {

    private static final String CONNECTOR_TOPIC = Topic.PartnerSignalConnectors.topicOf(TestTokens.SIGNAL_CONNECTOR);

    /** A compromised inventory pod would grant itself access: an approved request as review-service writes it. Refused by the broker. */
    @Test
    void inventorysCredentialsCannotProduceAnApprovedRequest() {
        Platform platform = Platform.get();
        String requestId = UUID.randomUUID().toString();
        KafkaTestClient inventory = platform.kafkaAs("inventory-service");
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> inventory.publishRaw(Topic.REVIEW_REQUESTS.topicName(),
                "mallory@evil.example", "{\"requestId\": \"" + requestId + "\"}", KafkaTestClient.ceHeaders(UUID.randomUUID().toString(),
                        EventType.ACCESS_REQUEST_APPROVED)));
        assertTrue(causedBy(refused, TopicAuthorizationException.class), String.valueOf(refused.getCause()));
        assertTrue(platform.kafka().readAll(Topic.REVIEW_REQUESTS.topicName(), r -> r.value().contains(requestId)).isEmpty(),
                "nothing of it reached the topic");
    }

    /** Someone the broker does not know cannot even sign in, let alone purge a guest through partner.signals. */
    @Test
    void anUnknownPrincipalCannotProduceToPartnerSignals() {
        Platform platform = Platform.get();
        KafkaTestClient stranger = new KafkaTestClient(platform.endpoint("KAFKA_BOOTSTRAP_SERVERS"), platform.kafkaSecurity("mallory", "guessed"));
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> stranger.publish(new PartnerAccountDisabled("any-tenant",
                "any-subject", null, Instant.now(), "purge", "mallory")));
        assertTrue(causedBy(refused, SaslAuthenticationException.class), String.valueOf(refused.getCause()));
        // a service's credentials do not write partner.signals either: only connectors do
        IllegalStateException notTheirs = assertThrows(IllegalStateException.class, () -> platform.kafkaAs("notification-service")
                .publish(new PartnerAccountDisabled("any-tenant", "any-subject", null, Instant.now(), "purge", "notification-service")));
        assertTrue(causedBy(notTheirs, TopicAuthorizationException.class), String.valueOf(notTheirs.getCause()));
    }

    /**
     * A partner-signal connector signs in as itself and writes its own topic; its account-disabled ends every grant of the guest
     * of a partner that names it, as on a cluster, and the connector is the actor recorded, whatever the payload claims.
     */
    @Test
    void aConnectorsSignalIsAppliedForItsPartnerWithTheConnectorAsTheActor() {
        Platform platform = Platform.get();
        Chain chain = Chain.create(platform, 2);
        platform.kafkaAs(TestTokens.SIGNAL_CONNECTOR).publishTo(CONNECTOR_TOPIC, new PartnerAccountDisabled(chain.guest().homeTenantId(),
                chain.guest().homeSubject(), null, Instant.now(), "left the partner", "partner-hr"));
        await().atMost(Duration.ofSeconds(20)).until(() -> platform.inventory().grantStates(chain.guest().id()),
                states -> states.equals(Collections.nCopies(2, "REVOKED")));
        platform.inventory().as(platform.userToken("admin")).queryParam("guestId", chain.guest().id()).get("/api/v1/grants").then()
                .statusCode(200).body("items.revokedBy", everyItem(equalTo("kafka:" + TestTokens.SIGNAL_CONNECTOR)));
    }

    /**
     * A connector's principal cannot signal for a tenant whose partner does not name it: its record on its own topic is
     * dead-lettered with the refusal and revokes nothing, and it cannot write another connector's topic (or partner.signals
     * itself) to pass for someone else.
     */
    @Test
    void aConnectorsPrincipalCannotSignalForAnotherTenant() {
        Platform platform = Platform.get();
        Chain chain = Chain.create(platform, 2);
        String admin = platform.userToken("admin");
        String partnerId = platform.inventory().as(admin).get("/api/v1/guests/" + chain.guest().id()).then().statusCode(200)
                .extract().path("partnerId");
        // this partner takes signals from its REST client only, not from the connector
        platform.inventory().as(admin).body(Map.of("signalClients", List.of(TestTokens.SIGNAL_CLIENT))).patch("/api/v1/partners/" + partnerId)
                .then().statusCode(200);

        KafkaTestClient connector = platform.kafkaAs(TestTokens.SIGNAL_CONNECTOR);
        String refusedId = connector.publishTo(CONNECTOR_TOPIC, new PartnerAccountPurged(chain.guest().homeTenantId(), chain.guest().homeSubject(),
                null, Instant.now(), "hostile", null));
        ConsumerRecord<String, String> dead = await().atMost(Duration.ofSeconds(20)).until(() -> platform.kafka().readAll(
                Topic.PARTNER_SIGNALS.deadLetterTopicName(), r -> refusedId.equals(KafkaTestClient.header(r, "ce_id"))), r -> r.size() == 1).get(0);
        assertTrue(KafkaTestClient.header(dead, "dead-letter-reason").contains("kafka:" + TestTokens.SIGNAL_CONNECTOR
                + " may not send signals for tenant " + chain.guest().homeTenantId()), KafkaTestClient.header(dead, "dead-letter-reason"));
        assertEquals(List.of("ACTIVE", "ACTIVE"), platform.inventory().grantStates(chain.guest().id()));
        platform.inventory().as(admin).get("/api/v1/guests/" + chain.guest().id()).then().body("state", equalTo("INVITED"));

        for (String notItsOwn : List.of(Topic.PartnerSignalConnectors.topicOf("another-partners-connector"), Topic.PARTNER_SIGNALS.topicName())) {
            IllegalStateException refused = assertThrows(IllegalStateException.class, () -> connector.publishTo(notItsOwn,
                    new PartnerAccountPurged(chain.guest().homeTenantId(), chain.guest().homeSubject(), null, Instant.now(), "hostile", null)));
            assertTrue(causedBy(refused, TopicAuthorizationException.class), notItsOwn + ": " + refused.getCause());
        }
        assertEquals(List.of("ACTIVE", "ACTIVE"), platform.inventory().grantStates(chain.guest().id()));
    }

    private static boolean causedBy(Throwable thrown, Class<? extends Throwable> cause) {
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            if (cause.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}

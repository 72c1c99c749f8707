package dev.portcullis.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.events.EventType;
import dev.portcullis.events.PartnerAccountDisabled;
import dev.portcullis.events.Topic;
import dev.portcullis.testsupport.KafkaTestClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The local broker is a trust boundary as a cluster's is (deploy/kubernetes/kafka-users.yaml, applied by up.sh): a service's
 * credentials write only its own topics, nobody without credentials of the broker's gets in, and a partner-signal connector's
 * word on partner.signals is applied.
 */
@ExtendWith(Platform.class)
class KafkaTrustBoundaryTest {

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

    /** A partner-signal connector signs in as itself and its account-disabled ends every grant of the guest, as on a cluster. */
    @Test
    void aConnectorsSignalIsApplied() {
        Platform platform = Platform.get();
        Chain chain = Chain.create(platform, 2);
        platform.kafkaAs("partner-signal-connector").publish(new PartnerAccountDisabled(chain.guest().homeTenantId(), chain.guest().homeSubject(),
                null, Instant.now(), "left the partner", "partner-hr"));
        await().atMost(Duration.ofSeconds(20)).until(() -> platform.inventory().grantStates(chain.guest().id()),
                states -> states.equals(Collections.nCopies(2, "REVOKED")));
        assertEquals(List.of("REVOKED", "REVOKED"), platform.inventory().grantStates(chain.guest().id()));
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

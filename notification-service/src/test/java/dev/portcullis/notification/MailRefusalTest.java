package dev.portcullis.notification;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.events.EventJson;
import dev.portcullis.events.EventType;
import dev.portcullis.events.GuestBlocked;
import dev.portcullis.events.NotificationFailed;
import dev.portcullis.events.Topic;
import dev.portcullis.testsupport.KafkaResource;
import dev.portcullis.testsupport.KafkaTestClient;
import dev.portcullis.testsupport.PostgresResource;
import dev.portcullis.testsupport.RefusingSmtpResource;
import dev.portcullis.testsupport.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** An address the mail server refuses for good (550) fails that one message at once and blocks nobody else. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
// restricted: test resources are global by default, and this SMTP server must not stand in for GreenMail elsewhere
@QuarkusTestResource(value = RefusingSmtpResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(OidcWiremockTestResource.class)
class MailRefusalTest {

    @Test
    void aPermanentRefusalFailsThatMessageAtOnceAndTheOthersAreSent() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String refused = RefusingSmtpResource.REFUSED_PREFIX + "-" + run + "@contoso.example";
        String fine = "fine-" + run + "@contoso.example";
        String signalId = UUID.randomUUID().toString();
        KafkaTestClient kafka = new KafkaTestClient(KafkaResource.bootstrapServers());

        kafka.publish(new GuestBlocked(UUID.randomUUID().toString(), "ann@contoso.example", "Ann", List.of(refused, fine),
                "PARTNER_ACCOUNT_DISABLED", signalId, List.of(), Instant.now(), "partner"));

        // 60 s, not less: on a loaded CI machine one SMTP conversation has stalled until its socket timed
        // out (20 s) and then went again; the point is that a 550 ends the message at once instead of
        // after its twenty attempts (hours of back-off), not how fast one SMTP conversation is
        await().atMost(Duration.ofSeconds(60)).until(() -> RefusingSmtpResource.acceptedRecipients().contains(fine));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().auth().oauth2(TestTokens.auditor()).queryParam("recipient", refused)
                .get("/api/v1/notifications").then().statusCode(200).body("items[0].status", equalTo("FAILED"))
                .body("items[0].lastError", startsWith("550")));
        List<ConsumerRecord<String, String>> failed = await().atMost(Duration.ofSeconds(20)).until(() -> kafka.readAll(
                Topic.NOTIFICATION_DELIVERIES.topicName(), r -> EventType.NOTIFICATION_FAILED.ceType().equals(KafkaTestClient.header(r, "ce_type"))
                        && refused.equals(r.key())), r -> r.size() == 1);
        NotificationFailed event = EventJson.read(failed.get(0).value(), NotificationFailed.class);
        assertEquals(signalId, event.causeId());
        assertTrue(event.error().contains("no such user"), event.error());
        assertEquals(List.of(), RefusingSmtpResource.acceptedRecipients().stream().filter(refused::equals).toList());
    }
}

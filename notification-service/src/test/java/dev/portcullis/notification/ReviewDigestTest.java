package dev.portcullis.notification;

import static dev.portcullis.testsupport.GreenMailResource.mailsTo;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.events.ReviewReminderDue;
import dev.portcullis.events.ReviewerAssigned;
import dev.portcullis.testsupport.MailParts;
import dev.portcullis.testsupport.GreenMailResource;
import dev.portcullis.testsupport.KafkaResource;
import dev.portcullis.testsupport.KafkaTestClient;
import dev.portcullis.testsupport.PostgresResource;
import dev.portcullis.testsupport.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A reviewer gets one digest per campaign stage and one reminder per reminder day, over real SMTP, never twice. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(value = GreenMailResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(OidcWiremockTestResource.class)
class ReviewDigestTest {

    private static final Duration MAIL_DELIVERED = Duration.ofSeconds(60);

    @Test
    void oneDigestPerReviewerPerCampaignStageWithTheCountTheDeadlineAndTheLinkAndOneReminderPerDay() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String campaign = UUID.randomUUID().toString();
        String owner = "owner-" + run + "@example.com";
        String other = "other-" + run + "@example.com";
        String link = "https://portcullis.example.com/reviews?campaign=" + campaign;
        Instant deadline = Instant.parse("2027-01-15T17:00:00Z");
        KafkaTestClient kafka = new KafkaTestClient(KafkaResource.bootstrapServers());

        String ceId = UUID.randomUUID().toString();
        kafka.publish(new ReviewerAssigned(campaign, "Q1 partner review", owner, 42, deadline, link, 1), ceId);
        kafka.publish(new ReviewerAssigned(campaign, "Q1 partner review", other, 1, deadline, link, 1));
        await().atMost(MAIL_DELIVERED).until(() -> mailsTo(owner, other).size() == 2);

        MimeMessage digest = mailsTo(owner).get(0);
        assertEquals("Please review 42 guest accesses by Friday 15 January 2027, 17:00 UTC: Q1 partner review", digest.getSubject());
        String body = MailParts.text(digest);
        assertTrue(body.contains("You have 42 guest accesses to confirm or remove") && body.contains(link), body);

        // redelivered, and told again: still one digest; a reminder is a message of its own, once per day before the end
        kafka.publish(new ReviewerAssigned(campaign, "Q1 partner review", owner, 42, deadline, link, 1), ceId);
        kafka.publish(new ReviewerAssigned(campaign, "Q1 partner review", owner, 42, deadline, link, 1));
        kafka.publish(new ReviewReminderDue(campaign, "Q1 partner review", owner, 17, deadline, 3, link, 1));
        kafka.publish(new ReviewReminderDue(campaign, "Q1 partner review", owner, 17, deadline, 3, link, 1));
        // the campaign's second stage: the owner reviews again, and is told again
        kafka.publish(new ReviewerAssigned(campaign, "Q1 partner review", owner, 5, deadline.plus(Duration.ofDays(7)), link, 2));
        // a marker on the same key (the campaign), consumed after them
        String marker = "marker-" + run + "@example.com";
        kafka.publish(new ReviewerAssigned(campaign, "Q1 partner review", marker, 1, deadline, link, 1));
        await().atMost(MAIL_DELIVERED).until(() -> mailsTo(marker).size() == 1);

        assertEquals(3, mailsTo(owner).size());
        assertTrue(mailsTo(owner).stream().anyMatch(m -> subject(m).startsWith("Please review 5 guest accesses by Friday 22 January 2027")));
        MimeMessage reminder = mailsTo(owner).stream().filter(m -> subject(m).startsWith("Reminder")).findFirst().orElseThrow();
        assertEquals("Reminder: 17 guest accesses still to review by Friday 15 January 2027, 17:00 UTC: Q1 partner review", reminder.getSubject());
        given().auth().oauth2(TestTokens.auditor()).queryParam("recipient", owner).get("/api/v1/notifications").then().statusCode(200)
                .body("items.size()", equalTo(3));
    }

    private static String subject(MimeMessage m) {
        try {
            return m.getSubject();
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}

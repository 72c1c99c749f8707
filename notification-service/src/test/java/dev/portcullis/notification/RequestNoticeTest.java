package dev.portcullis.notification;

import static dev.portcullis.testsupport.GreenMailResource.mailsTo;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.events.AccessRequestDecided;
import dev.portcullis.events.ApprovalRequested;
import dev.portcullis.notification.service.Messages;
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
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * An access request's messages over real SMTP: each approver is asked once per stage (the fallback again
 * when the stage escalates), and the requester and the sponsor learn the outcome once; the steps along the
 * way tell nobody.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(value = GreenMailResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(OidcWiremockTestResource.class)
class RequestNoticeTest {

    private static final Duration MAIL_DELIVERED = Duration.ofSeconds(60);

    @Test
    void approversAreAskedOncePerStageAndTheRequesterAndSponsorLearnTheOutcomeOnce() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String request = UUID.randomUUID().toString();
        String pkg = UUID.randomUUID().toString();
        String guest = UUID.randomUUID().toString(); // every event below has this key: one partition, in order
        String requester = "ann-" + run + "@contoso.example";
        String owner = "owner-" + run + "@example.com";
        String security = "security-" + run + "@example.com";
        String sponsor = "sponsor-" + run + "@example.com";
        String link = "https://portcullis.example.com/reviews?request=" + request;
        Instant deadline = Instant.parse("2027-01-15T17:00:00Z");
        KafkaTestClient kafka = new KafkaTestClient(KafkaResource.bootstrapServers());

        String ceId = UUID.randomUUID().toString();
        ApprovalRequested asked = new ApprovalRequested(request, pkg, "Falcon", requester, guest, owner, 1, 2, false, true, deadline, link, Instant.now());
        kafka.publish(asked, ceId);
        kafka.publish(asked, ceId); // redelivered
        kafka.publish(new ApprovalRequested(request, pkg, "Falcon", requester, guest, security, 1, 2, true, true, deadline.plus(Duration.ofDays(7)),
                link, Instant.now()));
        kafka.publish(new AccessRequestDecided(request, pkg, "Falcon", requester, guest, List.of(sponsor), 1, "APPROVE", security, null,
                "PENDING_APPROVAL", null, Instant.now()));
        AccessRequestDecided approved = new AccessRequestDecided(request, pkg, "Falcon", requester, guest, List.of(sponsor), 2, "APPROVE", owner,
                "NDA signed", "APPROVED", Instant.parse("2026-12-30T10:00:00Z"), Instant.now());
        kafka.publish(approved);
        kafka.publish(approved); // told again (a new event id): still once
        String other = UUID.randomUUID().toString();
        kafka.publish(new AccessRequestDecided(other, pkg, "Falcon", requester, guest, List.of(sponsor), 1, "DENY", owner, "no NDA on file",
                "DENIED", null, Instant.now()));
        await().atMost(MAIL_DELIVERED).until(() -> mailsTo(requester).size() == 2 && mailsTo(sponsor).size() == 2
                && mailsTo(owner, security).size() == 2);

        MimeMessage ask = mailsTo(owner).get(0);
        assertEquals(1, mailsTo(owner).size());
        assertEquals("Please decide by Friday 15 January 2027, 17:00 UTC: " + requester + " asks for Falcon", ask.getSubject());
        String body = MailParts.text(ask);
        assertTrue(body.contains("(stage 1 of 2)") && body.contains(link) && body.contains("with a justification"), body);
        assertEquals(1, mailsTo(security).size());
        assertTrue(MailParts.text(mailsTo(security).get(0)).contains("Nobody decided in time"));

        List<String> requesterMails = bodies(mailsTo(requester));
        assertTrue(requesterMails.stream().anyMatch(b -> b.contains("was approved: you have the access until 30 December 2026")), requesterMails.toString());
        assertTrue(requesterMails.stream().anyMatch(b -> b.contains("was denied by " + owner + ": no NDA on file")), requesterMails.toString());
        assertTrue(bodies(mailsTo(sponsor)).stream().allMatch(b -> b.contains("whom you sponsor")));
        // the denial came last on the partition: everything before it was planned already, once
        for (String recipient : List.of(requester, sponsor)) {
            given().auth().oauth2(TestTokens.auditor()).queryParam("recipient", recipient).get("/api/v1/notifications").then().statusCode(200)
                    .body("items.size()", equalTo(2));
        }
        // each approver's reminder, due a day before the deadline, was cancelled when stage 1 was decided
        for (String approver : List.of(owner, security)) {
            given().auth().oauth2(TestTokens.auditor()).queryParam("recipient", approver).queryParam("type", "APPROVAL_REMINDER")
                    .get("/api/v1/notifications").then().body("items.size()", equalTo(1)).body("items[0].status", equalTo("CANCELLED"));
        }
        given().auth().oauth2(TestTokens.auditor()).queryParam("recipient", owner).queryParam("status", "SENT").get("/api/v1/notifications").then()
                .body("items.size()", equalTo(1));
    }

    @Test
    void anApproverWhoHasNotDecidedIsRemindedADayBeforeTheDeadlineOnce() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String request = UUID.randomUUID().toString();
        String guest = UUID.randomUUID().toString();
        String approver = "approver-" + run + "@example.com";
        String requester = "bob-" + run + "@contoso.example";
        // asked three days ago, deadline a day from now (and a few seconds): the reminder is due in a few seconds
        Instant deadline = Instant.now().plus(Duration.ofDays(1)).plusSeconds(3);
        ApprovalRequested asked = new ApprovalRequested(request, UUID.randomUUID().toString(), "Falcon", requester, guest, approver, 1, 1, false, false,
                deadline, "https://portcullis.example.com/reviews?request=" + request, Instant.now().minus(Duration.ofDays(3)));
        KafkaTestClient kafka = new KafkaTestClient(KafkaResource.bootstrapServers());
        kafka.publish(asked);
        kafka.publish(asked); // told again: still one reminder
        await().atMost(MAIL_DELIVERED).until(() -> mailsTo(approver).size() == 2);
        List<String> subjects = mailsTo(approver).stream().map(m -> {
            try {
                return m.getSubject();
            } catch (jakarta.mail.MessagingException e) {
                throw new IllegalStateException(e);
            }
        }).toList();
        assertTrue(subjects.contains("Reminder: please decide by " + Messages.dayAndTime(deadline) + ": " + requester + " asks for Falcon"),
                subjects.toString());
        // deciding now cancels nothing that was sent, and nothing more goes
        kafka.publish(new AccessRequestDecided(request, asked.packageId(), "Falcon", requester, guest, List.of(), 1, "APPROVE", approver, null,
                "APPROVED", Instant.now().plus(Duration.ofDays(30)), Instant.now()));
        await().atMost(MAIL_DELIVERED).until(() -> mailsTo(requester).size() == 1);
        given().auth().oauth2(TestTokens.auditor()).queryParam("recipient", approver).get("/api/v1/notifications").then()
                .body("items.status", org.hamcrest.Matchers.everyItem(equalTo("SENT"))).body("items.size()", equalTo(2));
    }

    private static List<String> bodies(List<MimeMessage> mails) {
        return mails.stream().map(MailParts::text).toList();
    }
}

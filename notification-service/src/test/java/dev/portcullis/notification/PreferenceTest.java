package dev.portcullis.notification;

import static dev.portcullis.testsupport.GreenMailResource.mailsTo;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.events.AccessExpiring;
import dev.portcullis.events.AccessRequestDecided;
import dev.portcullis.events.ReviewerAssigned;
import dev.portcullis.notification.service.DailyDigests;
import dev.portcullis.testsupport.GreenMailResource;
import dev.portcullis.testsupport.KafkaResource;
import dev.portcullis.testsupport.KafkaTestClient;
import dev.portcullis.testsupport.PostgresResource;
import dev.portcullis.testsupport.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A person opts out of the messages that are not mandatory: those are logged SUPPRESSED and never sent,
 * while review assignments (mandatory) still reach them; a mandatory type cannot be opted out of, and a
 * person sets only their own preferences. A person who chose a daily digest gets what is not mandatory once a day, in one message.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(value = GreenMailResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(OidcWiremockTestResource.class)
class PreferenceTest {

    private static final Duration MAIL_DELIVERED = Duration.ofSeconds(60);

    @Inject
    DailyDigests digests;

    @Test
    void aDailyDigestHoldsWhatIsNotMandatoryAndSendsItOnceInOneMessageWhileMandatoryMessagesGoAtOnce() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String sponsor = "digest-" + run + "@example.com";
        String asSponsor = TestTokens.withRole(sponsor, TestTokens.OWNER);
        given().auth().oauth2(asSponsor).contentType(ContentType.JSON).body(Map.of("optOuts", List.of(), "delivery", "WEEKLY"))
                .put("/api/v1/recipients/" + sponsor + "/preferences").then().statusCode(400).body("errors[0].field", equalTo("delivery"));
        given().auth().oauth2(asSponsor).contentType(ContentType.JSON).body(Map.of("optOuts", List.of(), "delivery", "DAILY_DIGEST"))
                .put("/api/v1/recipients/" + sponsor + "/preferences").then().statusCode(200).body("delivery", equalTo("DAILY_DIGEST"))
                .body("digestTime", equalTo("08:00:00"));

        KafkaTestClient kafka = new KafkaTestClient(KafkaResource.bootstrapServers());
        String guest = UUID.randomUUID().toString();
        for (String resource : List.of("CRM", "Wiki")) {
            kafka.publish(new AccessExpiring(UUID.randomUUID().toString(), guest, "ann-" + run + "@contoso.example", List.of(sponsor),
                    UUID.randomUUID().toString(), resource, List.of(), "reader", Instant.parse("2027-03-01T09:00:00Z"), 14));
        }
        String campaign = UUID.randomUUID().toString();
        kafka.publish(new ReviewerAssigned(campaign, "Q1 partner review", sponsor, 3, Instant.parse("2027-01-15T17:00:00Z"),
                "https://portcullis.example.com/reviews?campaign=" + campaign, 1));
        // the review assignment is mandatory: at once; the two notices of ending access wait for the digest
        await().atMost(MAIL_DELIVERED).until(() -> mailsTo(sponsor).size() == 1);
        await().atMost(MAIL_DELIVERED).untilAsserted(() -> given().auth().oauth2(TestTokens.auditor()).queryParam("recipient", sponsor)
                .queryParam("status", "HELD").get("/api/v1/notifications").then().body("items.size()", equalTo(2)));
        assertTrue(mailsTo(sponsor).get(0).getSubject().startsWith("Please review 3 guest accesses"));

        // the digest time: one message with both; a second run (or another instance's) digests nothing again
        Instant digestTime = Instant.now().plus(Duration.ofDays(1));
        assertEquals(1, digests.run(digestTime));
        assertEquals(0, digests.run(digestTime));
        await().atMost(MAIL_DELIVERED).until(() -> mailsTo(sponsor).size() == 2);
        jakarta.mail.internet.MimeMessage digest = mailsTo(sponsor).get(1);
        assertEquals("Your Portcullis digest: 2 messages", digest.getSubject());
        String text = dev.portcullis.testsupport.MailParts.text(digest);
        assertTrue(text.contains("to CRM ends") && text.contains("to Wiki ends"), text);
        given().auth().oauth2(TestTokens.auditor()).queryParam("recipient", sponsor).queryParam("status", "DIGESTED").get("/api/v1/notifications")
                .then().body("items.size()", equalTo(2));
    }

    @Test
    void anOptOutSuppressesWhatIsNotMandatoryAndMandatoryMessagesStillGo() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String sponsor = "sponsor-" + run + "@example.com";
        String requester = "ann-" + run + "@contoso.example";
        String asSponsor = TestTokens.withRole(sponsor, TestTokens.OWNER);

        given().auth().oauth2(asSponsor).contentType(ContentType.JSON).body(Map.of("optOuts", List.of("ACCESS_REQUEST_DECIDED")))
                .put("/api/v1/recipients/" + sponsor + "/preferences").then().statusCode(200)
                .body("optOuts", equalTo(List.of("ACCESS_REQUEST_DECIDED"))).body("mandatory", hasItem("REVIEW_ASSIGNED"));
        given().auth().oauth2(asSponsor).contentType(ContentType.JSON).body(Map.of("optOuts", List.of("ACCESS_REQUEST_DECIDED", "REVIEW_ASSIGNED")))
                .put("/api/v1/recipients/" + sponsor + "/preferences").then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("optOuts[1]"));
        given().auth().oauth2(asSponsor).contentType(ContentType.JSON).body(Map.of("optOuts", List.of("NEWSLETTER")))
                .put("/api/v1/recipients/" + sponsor + "/preferences").then().statusCode(400).body("errors[0].field", equalTo("optOuts[0]"));
        given().auth().oauth2(asSponsor).get("/api/v1/recipients/" + sponsor.toUpperCase() + "/preferences").then().statusCode(200)
                .body("optOuts", equalTo(List.of("ACCESS_REQUEST_DECIDED"))); // the refusals changed nothing

        KafkaTestClient kafka = new KafkaTestClient(KafkaResource.bootstrapServers());
        String request = UUID.randomUUID().toString();
        kafka.publish(new AccessRequestDecided(request, UUID.randomUUID().toString(), "Falcon", requester, null, List.of(sponsor), 1, "APPROVE",
                "owner@example.com", null, "APPROVED", Instant.parse("2027-01-30T10:00:00Z"), Instant.now()));
        String campaign = UUID.randomUUID().toString();
        kafka.publish(new ReviewerAssigned(campaign, "Q1 partner review", sponsor, 3, Instant.parse("2027-01-15T17:00:00Z"),
                "https://portcullis.example.com/reviews?campaign=" + campaign, 1));

        await().atMost(MAIL_DELIVERED).until(() -> mailsTo(requester).size() == 1 && mailsTo(sponsor).size() == 1);
        given().auth().oauth2(TestTokens.auditor()).queryParam("recipient", sponsor).queryParam("type", "ACCESS_REQUEST_DECIDED")
                .get("/api/v1/notifications").then().statusCode(200).body("items.size()", equalTo(1))
                .body("items[0].status", equalTo("SUPPRESSED"));
        // the one mail the sponsor got is the mandatory review assignment, and the suppressed message never goes later
        assertTrue(mailsTo(sponsor).get(0).getSubject().startsWith("Please review 3 guest accesses"));
        given().auth().oauth2(TestTokens.auditor()).queryParam("status", "PENDING").queryParam("recipient", sponsor).get("/api/v1/notifications")
                .then().body("items.size()", equalTo(0));
        assertEquals(1, mailsTo(sponsor).size());
    }

    @Test
    void aPersonSetsTheirOwnPreferencesAdminsAnyonesAndAuditorsRead() {
        String someone = "someone-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        String path = "/api/v1/recipients/" + someone + "/preferences";
        Map<String, Object> none = Map.of("optOuts", List.of());
        given().get(path).then().statusCode(401);
        given().contentType(ContentType.JSON).body(none).put(path).then().statusCode(401);
        given().auth().oauth2(TestTokens.withRole("other@example.com", TestTokens.OWNER)).get(path).then().statusCode(403);
        given().auth().oauth2(TestTokens.withRole("other@example.com", TestTokens.OWNER)).contentType(ContentType.JSON).body(none).put(path)
                .then().statusCode(403);
        given().auth().oauth2(TestTokens.auditor()).contentType(ContentType.JSON).body(none).put(path).then().statusCode(403);
        given().auth().oauth2(TestTokens.withRole("signal-client", TestTokens.SIGNAL)).get(path).then().statusCode(403);
        given().auth().oauth2(TestTokens.auditor()).get(path).then().statusCode(200).body("optOuts", equalTo(List.of()));
        given().auth().oauth2(TestTokens.admin()).contentType(ContentType.JSON).body(Map.of("optOuts", List.of("ACCESS_REQUEST_DECIDED"))).put(path)
                .then().statusCode(200).body("updatedBy", org.hamcrest.Matchers.notNullValue());
        given().auth().oauth2(TestTokens.guest(someone)).get(path).then().statusCode(200).body("optOuts", equalTo(List.of("ACCESS_REQUEST_DECIDED")));
        given().auth().oauth2(TestTokens.admin()).get("/api/v1/recipients/not-an-address/preferences").then().statusCode(400)
                .body("errors[0].field", equalTo("email"));
    }
}

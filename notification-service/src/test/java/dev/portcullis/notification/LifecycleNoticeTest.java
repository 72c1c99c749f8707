package dev.portcullis.notification;

import static dev.portcullis.testsupport.GreenMailResource.mailsTo;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.events.AccessExpiring;
import dev.portcullis.events.AccessRevoked;
import dev.portcullis.events.CampaignCompleted;
import dev.portcullis.events.GuestRemoved;
import dev.portcullis.events.PolicyViolationDetected;
import dev.portcullis.events.RevocationReason;
import dev.portcullis.testsupport.GreenMailResource;
import dev.portcullis.testsupport.KafkaResource;
import dev.portcullis.testsupport.KafkaTestClient;
import dev.portcullis.testsupport.MailParts;
import dev.portcullis.testsupport.PostgresResource;
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
 * The messages about a guest's and a campaign's lifecycle, over real Kafka and SMTP: a grant's coming end to
 * the sponsors (14 days, then 1 day before, each once), a removed guest to their sponsors (by id: their data
 * is erased), a completed campaign's summary to its owner and the configured admins, a policy violation to
 * the resource's owners, and grants that end one by one, gathered per guest for the sponsor and the owners.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(value = GreenMailResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(OidcWiremockTestResource.class)
class LifecycleNoticeTest {

    private static final Duration MAIL_DELIVERED = Duration.ofSeconds(60);
    private final KafkaTestClient kafka = new KafkaTestClient(KafkaResource.bootstrapServers());
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @Test
    void sponsorsHearOfAGrantsEnd14DaysAndThen1DayBeforeEachOnce() throws Exception {
        String sponsor = "sponsor-" + run + "@example.com";
        String guestId = UUID.randomUUID().toString();
        String grantId = UUID.randomUUID().toString();
        Instant ends = Instant.parse("2027-02-01T09:00:00Z");
        AccessExpiring in14 = new AccessExpiring(grantId, guestId, "ann-" + run + "@contoso.example", List.of(sponsor), UUID.randomUUID().toString(),
                "CRM", List.of("owner@example.com"), "writer", ends, 14);
        kafka.publish(in14);
        kafka.publish(in14); // told again
        kafka.publish(new AccessExpiring(grantId, guestId, "ann-" + run + "@contoso.example", List.of(sponsor), in14.resourceId(), "CRM",
                List.of("owner@example.com"), "writer", ends, 1));
        await().atMost(MAIL_DELIVERED).until(() -> mailsTo(sponsor).size() == 2);
        List<String> texts = mailsTo(sponsor).stream().map(MailParts::text).toList();
        assertTrue(texts.stream().anyMatch(t -> t.contains("to CRM (writer) ends in 14 days: Monday 1 February 2027, 09:00 UTC")), texts.toString());
        assertTrue(texts.stream().anyMatch(t -> t.contains("ends in 1 day:")), texts.toString());
        // a marker after them on the same key: once it is in, a third mail would be too
        String marker = "marker-" + run + "@example.com";
        kafka.publish(new AccessExpiring(UUID.randomUUID().toString(), guestId, "ann-" + run + "@contoso.example", List.of(marker),
                in14.resourceId(), "CRM", List.of(), "writer", ends, 14));
        await().atMost(MAIL_DELIVERED).until(() -> mailsTo(marker).size() == 1);
        assertEquals(2, mailsTo(sponsor).size());
    }

    @Test
    void aRemovedGuestsSponsorsAreToldOnceWithoutTheirErasedData() throws Exception {
        String sponsor = "sponsor-" + run + "@example.com";
        String guestId = UUID.randomUUID().toString();
        GuestRemoved removed = new GuestRemoved(guestId, List.of(sponsor, sponsor.toUpperCase()), "INACTIVE", null,
                List.of(UUID.randomUUID().toString(), UUID.randomUUID().toString()), Instant.now(), "lifecycle", null);
        kafka.publish(removed);
        kafka.publish(removed);
        await().atMost(MAIL_DELIVERED).until(() -> mailsTo(sponsor).size() == 1);
        String text = MailParts.text(mailsTo(sponsor).get(0));
        assertTrue(text.contains("(guest " + guestId + ") was removed from Portcullis (INACTIVE)") && text.contains("2 accesses they still held were revoked"),
                text);
    }

    @Test
    void aCompletedCampaignsSummaryGoesToItsOwnerAndTheConfiguredAdmins() throws Exception {
        String owner = "owner-" + run + "@example.com";
        String campaign = UUID.randomUUID().toString();
        CampaignCompleted done = new CampaignCompleted(campaign, UUID.randomUUID().toString(), "Q1 review " + run, owner, Instant.now(),
                new CampaignCompleted.Counts(40, 35, 3, 2, 0), true, false, null);
        kafka.publish(done);
        kafka.publish(done);
        await().atMost(MAIL_DELIVERED).until(() -> mailsTo(owner).size() == 1 && mailsTo("iam-team@corp.example").stream()
                .anyMatch(m -> subjectOf(m).contains(run)));
        MimeMessage summary = mailsTo(owner).get(0);
        assertEquals("Access review completed: Q1 review " + run + " (3 to revoke of 40)", summary.getSubject());
        assertTrue(MailParts.text(summary).contains("3 denied access(es) will be revoked now."), MailParts.text(summary));
    }

    @Test
    void aResourcesOwnersHearOfAViolationOnceSayingWhatFollows() throws Exception {
        String owner = "owner-" + run + "@example.com";
        String coOwner = "deputy-" + run + "@example.com"; // not "co-owner-": mailsTo(owner) matches any address that contains the owner's
        PolicyViolationDetected reported = new PolicyViolationDetected(UUID.randomUUID().toString(), UUID.randomUUID().toString(), 2,
                "No rival partners", "PARTNER_DOMAINS", "REPORT_ONLY", UUID.randomUUID().toString(), "ann-" + run + "@rival.example",
                UUID.randomUUID().toString(), UUID.randomUUID().toString(), "CRM <beta>", List.of(owner, coOwner.toUpperCase()),
                "email domain rival.example is blocked", "REPORTED", null, Instant.now());
        kafka.publish(reported);
        kafka.publish(reported); // told again
        await().atMost(MAIL_DELIVERED).until(() -> mailsTo(owner).size() == 1 && mailsTo(coOwner).size() == 1);
        MimeMessage mail = mailsTo(owner).get(0);
        assertEquals("ann-" + run + "@rival.example's access to CRM <beta> breaks the policy No rival partners", mail.getSubject());
        assertTrue(MailParts.text(mail).contains("breaks the policy \"No rival partners\" (version 2): email domain rival.example is blocked.")
                && MailParts.text(mail).contains("The policy only reports: the access stays."), MailParts.text(mail));
        assertTrue(MailParts.html(mail).contains("CRM &lt;beta&gt;"), MailParts.html(mail));
        // an enforced one says the access is going; a marker after both on the same key shows no third mail came
        kafka.publish(new PolicyViolationDetected(UUID.randomUUID().toString(), reported.policyId(), 3, "No rival partners", "PARTNER_DOMAINS",
                "ENFORCE", reported.guestId(), reported.guestEmail(), reported.grantId(), reported.resourceId(), "CRM <beta>", List.of(owner),
                "email domain rival.example is blocked", "REVOCATION_REQUESTED", null, Instant.now()));
        await().atMost(MAIL_DELIVERED).until(() -> mailsTo(owner).size() == 2);
        assertTrue(mailsTo(owner).stream().map(MailParts::text).anyMatch(t -> t.contains("this access is being revoked now")));
        assertEquals(2, mailsTo(owner).size());
        assertEquals(1, mailsTo(coOwner).size());
    }

    @Test
    void grantsAReviewEndedOneByOneComeToTheSponsorAndEachOwnerInOneMessageEach() throws Exception {
        String sponsor = "sponsor-" + run + "@example.com";
        String crmOwner = "crm-" + run + "@example.com";
        String wikiOwner = "wiki-" + run + "@example.com";
        String guestId = UUID.randomUUID().toString();
        String guest = "ann-" + run + "@contoso.example";
        String review = UUID.randomUUID().toString();
        // a campaign's denials reach inventory one by one: one access-revoked each, moments apart
        kafka.publish(new AccessRevoked(UUID.randomUUID().toString(), guestId, UUID.randomUUID().toString(), "CRM", List.of(crmOwner), "writer",
                RevocationReason.REVIEW_DENIED, review + "-item-1", Instant.now(), "review", guest, List.of(sponsor)));
        kafka.publish(new AccessRevoked(UUID.randomUUID().toString(), guestId, UUID.randomUUID().toString(), "Wiki", List.of(wikiOwner, crmOwner),
                "reader", RevocationReason.REVIEW_DENIED, review + "-item-2", Instant.now(), "review", guest, List.of(sponsor)));
        // a block's revocations are told with its guest-blocked, not one by one
        kafka.publish(new AccessRevoked(UUID.randomUUID().toString(), guestId, UUID.randomUUID().toString(), "ERP", List.of(crmOwner), "reader",
                RevocationReason.PARTNER_ACCOUNT_DISABLED, "signal-" + run, Instant.now(), "partner", guest, List.of(sponsor)));

        await().atMost(MAIL_DELIVERED).until(() -> mailsTo(sponsor).size() == 1 && mailsTo(crmOwner).size() == 1 && mailsTo(wikiOwner).size() == 1);
        String toSponsor = MailParts.text(mailsTo(sponsor).get(0));
        assertEquals("Access ended for " + guest + ", whom you sponsor", mailsTo(sponsor).get(0).getSubject());
        assertTrue(toSponsor.contains("CRM (writer)") && toSponsor.contains("Wiki (reader)") && toSponsor.contains("An access review denied it")
                && !toSponsor.contains("ERP"), toSponsor);
        String toCrmOwner = MailParts.text(mailsTo(crmOwner).get(0));
        assertTrue(toCrmOwner.contains("CRM (writer)") && toCrmOwner.contains("Wiki (reader)"), toCrmOwner);
        String toWikiOwner = MailParts.text(mailsTo(wikiOwner).get(0));
        assertTrue(toWikiOwner.contains("Wiki (reader)") && !toWikiOwner.contains("CRM"), toWikiOwner);
        // a marker after them on the same key: once it is in, a second message to any of them would be too
        String marker = "marker-" + run + "@example.com";
        kafka.publish(new AccessRevoked(UUID.randomUUID().toString(), guestId, UUID.randomUUID().toString(), "Wiki", List.of(marker), "reader",
                RevocationReason.EXPIRED, "expiry-" + run, Instant.now(), "expiry", guest, List.of()));
        await().atMost(MAIL_DELIVERED).until(() -> mailsTo(marker).size() == 1);
        assertTrue(MailParts.text(mailsTo(marker).get(0)).contains("It reached its end date."));
        assertEquals(List.of(1, 1, 1), List.of(mailsTo(sponsor).size(), mailsTo(crmOwner).size(), mailsTo(wikiOwner).size()));
    }

    private static String subjectOf(MimeMessage m) {
        try {
            return m.getSubject();
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}

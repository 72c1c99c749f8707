package dev.portcullis.notification;

import static dev.portcullis.testsupport.GreenMailResource.mailsTo;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.events.EventType;
import dev.portcullis.events.GuestBlocked;
import dev.portcullis.events.GuestRemoved;
import dev.portcullis.events.ReviewerAssigned;
import dev.portcullis.testsupport.PersonalDataScan;
import dev.portcullis.events.GuestBlocked.RevokedGrant;
import dev.portcullis.events.Topic;
import dev.portcullis.testsupport.MailParts;
import dev.portcullis.testsupport.GreenMailResource;
import dev.portcullis.testsupport.KafkaResource;
import dev.portcullis.testsupport.KafkaTestClient;
import dev.portcullis.testsupport.PostgresResource;
import dev.portcullis.testsupport.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import dev.portcullis.notification.domain.Notification;
import dev.portcullis.notification.service.MailSender;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.inject.Inject;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** One email per sponsor and per owner for one partner signal, over real SMTP, never twice. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(value = GreenMailResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(OidcWiremockTestResource.class)
class RevocationNoticeTest {

    /**
     * How long a planned mail may take to arrive. After the SMTP outage test restarts GreenMail, a
     * connection the mailer's pool kept from before can stall one send until its socket times out
     * (about 20 s seen in CI); the send then fails and the message goes again on its next attempt.
     */
    private static final Duration MAIL_DELIVERED = Duration.ofSeconds(60);

    @Inject
    MailSender sender;

    @Inject
    javax.sql.DataSource dataSource;

    @Test
    void aMessageIsMultipartAndEveryValueFromDataIsEscapedInItsHtml() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String sponsor = "sponsor-" + run + "@example.com";
        String hostile = "<img src=x onerror=alert(1)>";
        new KafkaTestClient(KafkaResource.bootstrapServers()).publish(new GuestBlocked(UUID.randomUUID().toString(), "eve-" + run + "@contoso.com",
                hostile, List.of(sponsor), "PARTNER_ACCOUNT_DISABLED", UUID.randomUUID().toString(),
                List.of(grant(UUID.randomUUID().toString(), "<script>alert('crm')</script>", "reader", sponsor)), Instant.now(), "partner"));
        await().atMost(MAIL_DELIVERED).until(() -> mailsTo(sponsor).size() == 1);

        MimeMessage mail = mailsTo(sponsor).get(0);
        assertTrue(mail.isMimeType("multipart/alternative"), mail.getContentType());
        String html = MailParts.html(mail);
        String text = MailParts.text(mail);
        assertTrue(html.contains("&lt;img src=x onerror=alert(1)&gt;") && html.contains("&lt;script&gt;alert(&#39;crm&#39;)&lt;/script&gt;"), html);
        assertTrue(!html.contains("<img") && !html.contains("<script"), html);
        // the plain-text part shows the name as it is: text is never run
        assertTrue(text.contains("You sponsor " + hostile + " <eve-" + run + "@contoso.com>"), text);
    }

    @Inject
    dev.portcullis.notification.service.Messages messages;

    /** Every reason, for a sponsor and for an owner, in text and in HTML: its own words of what happened, by whom, and what to do. */
    @Test
    void everyRevocationMessageSaysWhatHappenedByWhomAndWhatTheReaderCanDoForItsReason() {
        java.util.Set<String> whats = new java.util.HashSet<>();
        for (String reason : dev.portcullis.notification.service.RevocationWords.REASONS) {
            dev.portcullis.notification.service.RevocationWords.Words words = dev.portcullis.notification.service.RevocationWords.of(reason,
                    "it-admin@example.com");
            whats.add(words.what());
            for (Notification.Type type : List.of(Notification.Type.GUEST_ACCESS_REVOKED, Notification.Type.RESOURCE_ACCESS_REVOKED)) {
                boolean sponsor = type == Notification.Type.GUEST_ACCESS_REVOKED;
                dev.portcullis.notification.service.Messages.Rendered mail = messages.render(type, java.util.Map.of("guest",
                        "Ann Smith <ann@contoso.example>", "address", "ann@contoso.example", "what", words.what(), "next", words.next(sponsor), "grants", List.of("CRM (writer)")));
                String at = reason + " " + type;
                assertTrue(mail.text().contains("Ann Smith <ann@contoso.example>") && mail.text().contains(words.what())
                        && mail.text().contains(words.next(sponsor)) && mail.text().contains("CRM (writer)"), at + ": " + mail.text());
                assertTrue(mail.html().contains("Ann Smith &lt;ann@contoso.example&gt;") && mail.html().contains(escaped(words.what()))
                        && mail.html().contains(escaped(words.next(sponsor))) && mail.html().contains("<li>CRM (writer)</li>"), at + ": " + mail.html());
                // only a disabled account is to be re-enabled
                assertEquals(reason.equals("PARTNER_ACCOUNT_DISABLED") && sponsor, mail.text().contains("re-enable"), at + ": " + mail.text());
            }
            if (List.of("ADMIN", "MANUAL", "PARTNER_BLOCKED", "SCIM").contains(reason)) {
                assertTrue(words.what().contains("it-admin@example.com"), reason + " names who did it: " + words.what());
            }
        }
        assertEquals(dev.portcullis.notification.service.RevocationWords.REASONS.size(), whats.size(), "each reason says what happened in its own words");
    }

    @Test
    void anAdminsRevocationOfOneGrantTellsTheSponsorWhoRevokedItAndNamesTheGuest() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String sponsor = "sponsor-" + run + "@example.com";
        String owner = "owner-" + run + "@example.com";
        String guest = "ann-" + run + "@contoso.example";
        new KafkaTestClient(KafkaResource.bootstrapServers()).publish(new dev.portcullis.events.AccessRevoked(UUID.randomUUID().toString(),
                UUID.randomUUID().toString(), UUID.randomUUID().toString(), "CRM", List.of(owner), "writer", dev.portcullis.events.RevocationReason.MANUAL,
                null, Instant.now(), "it-admin@example.com", guest, List.of(sponsor), "Ann Smith"));
        await().atMost(MAIL_DELIVERED).until(() -> mailsTo(sponsor).size() == 1 && mailsTo(owner).size() == 1);
        String toSponsor = MailParts.text(mailsTo(sponsor).get(0));
        assertTrue(toSponsor.contains("You sponsor Ann Smith <" + guest + ">") && toSponsor.contains("it-admin@example.com revoked it.")
                && toSponsor.contains("ask it-admin@example.com why") && toSponsor.contains("CRM (writer)"), toSponsor);
        assertTrue(!toSponsor.contains("re-enable") && !toSponsor.contains("unblock"), toSponsor);
        String toOwner = MailParts.text(mailsTo(owner).get(0));
        assertTrue(toOwner.contains("Ann Smith <" + guest + "> no longer has access") && toOwner.contains("it-admin@example.com revoked it."), toOwner);
    }

    private static String escaped(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&#39;");
    }

    @Test
    void theTemplatesOfEveryTypeCanBePreviewedWithSampleData() {
        for (Notification.Type type : Notification.Type.values()) {
            given().auth().oauth2(TestTokens.admin()).get("/api/v1/templates/" + type + "/preview").then().statusCode(200)
                    .body("type", equalTo(type.name())).body("subject", org.hamcrest.Matchers.not(org.hamcrest.Matchers.emptyOrNullString()))
                    .body("text", org.hamcrest.Matchers.containsString("-- Portcullis"))
                    .body("html", org.hamcrest.Matchers.startsWith("<!DOCTYPE html>"));
        }
        given().auth().oauth2(TestTokens.admin()).get("/api/v1/templates/GUEST_ACCESS_REVOKED/preview").then()
                .body("html", org.hamcrest.Matchers.containsString("<li>CRM (writer)</li>"))
                .body("html", org.hamcrest.Matchers.containsString("Ann Smith &lt;ann@contoso.example&gt;"));
        given().auth().oauth2(TestTokens.admin()).get("/api/v1/templates/NEWSLETTER/preview").then().statusCode(400)
                .body("errors[0].field", equalTo("type"));
        given().get("/api/v1/templates/REVIEW_ASSIGNED/preview").then().statusCode(401);
        given().auth().oauth2(TestTokens.withRole("owner@example.com", TestTokens.OWNER)).get("/api/v1/templates/REVIEW_ASSIGNED/preview").then()
                .statusCode(403);
    }

    @Test
    void oneEmailPerRecipientPerSignalAndARedeliveryOrRepeatSendsNothing() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String sponsor = "sponsor-" + run + "@example.com";
        String owner1 = "owner1-" + run + "@example.com";
        String owner2 = "owner2-" + run + "@example.com";
        String guestId = UUID.randomUUID().toString();
        String signalId = UUID.randomUUID().toString();
        String crm = UUID.randomUUID().toString();
        String wiki = UUID.randomUUID().toString();
        List<RevokedGrant> grants = List.of(
                grant(crm, "CRM", "reader", owner1), grant(crm, "CRM", "writer", owner1), grant(crm, "CRM", "admin", owner1),
                grant(wiki, "Wiki", "reader", owner2), grant(wiki, "Wiki", "editor", owner2));
        GuestBlocked blocked = new GuestBlocked(guestId, "ann@contoso.com", "Ann", List.of(sponsor), "PARTNER_ACCOUNT_DISABLED", signalId,
                grants, Instant.now(), "partner");
        KafkaTestClient kafka = new KafkaTestClient(KafkaResource.bootstrapServers());

        String ceId = UUID.randomUUID().toString();
        kafka.publish(blocked, ceId);
        await().atMost(MAIL_DELIVERED).until(() -> mailsTo(sponsor, owner1, owner2).size() == 3);

        MimeMessage toOwner1 = mailsTo(owner1).get(0);
        assertTrue(toOwner1.getSubject().contains("ann@contoso.com"));
        String body = MailParts.text(toOwner1);
        assertTrue(body.contains("CRM (writer)") && !body.contains("Wiki"), body);
        assertTrue(MailParts.text(mailsTo(sponsor).get(0)).contains("Wiki (editor)"));

        // the same event redelivered, and the same signal told again in a new event: nothing more is sent
        kafka.publish(blocked, ceId);
        kafka.publish(blocked);
        // a marker on the same key, so it is consumed after them: once its email is in, theirs would be too
        String marker = "marker-" + run + "@example.com";
        kafka.publish(new GuestBlocked(guestId, "ann@contoso.com", "Ann", List.of(marker), "PARTNER_ACCOUNT_DISABLED",
                UUID.randomUUID().toString(), List.of(), Instant.now(), "partner"));
        await().atMost(MAIL_DELIVERED).until(() -> mailsTo(marker).size() == 1);

        assertEquals(3, mailsTo(sponsor, owner1, owner2).size());
        given().auth().oauth2(TestTokens.auditor()).queryParam("causeId", signalId).get("/api/v1/notifications").then().statusCode(200)
                .body("items.size()", equalTo(3)).body("items.status", everyItem(equalTo("SENT")));
        await().atMost(Duration.ofSeconds(10)).until(() -> kafka.readAll(Topic.NOTIFICATION_DELIVERIES.topicName(),
                r -> r.value().contains(signalId) && EventType.NOTIFICATION_DELIVERED.ceType().equals(KafkaTestClient.header(r, "ce_type"))).size() == 3);
    }

    @Test
    void aMessagePlannedWhileTheSmtpServerIsDownIsSentOnceItIsBack() throws Exception {
        String sponsor = "sponsor-" + UUID.randomUUID() + "@example.com";
        String signalId = UUID.randomUUID().toString();
        GreenMailResource.greenMail().stop();
        try {
            new KafkaTestClient(KafkaResource.bootstrapServers()).publish(new GuestBlocked(UUID.randomUUID().toString(), "ann@contoso.com",
                    "Ann", List.of(sponsor), "PARTNER_ACCOUNT_DISABLED", signalId, List.of(), Instant.now(), "partner"));
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().auth().oauth2(TestTokens.admin()).queryParam("causeId", signalId)
                    .get("/api/v1/notifications").then().body("items[0].status", equalTo("PENDING"))
                    .body("items[0].attempts", org.hamcrest.Matchers.greaterThan(0)));
        } finally {
            GreenMailResource.greenMail().start();
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> mailsTo(sponsor).size() == 1);
        given().auth().oauth2(TestTokens.admin()).queryParam("causeId", signalId).get("/api/v1/notifications").then()
                .body("items[0].status", equalTo("SENT"));
    }

    @Test
    void oneSignalThatBlocksTwoGuestsTellsTheSponsorAboutEach() throws Exception {
        String sponsor = "both-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        String signalId = UUID.randomUUID().toString();
        KafkaTestClient kafka = new KafkaTestClient(KafkaResource.bootstrapServers());
        for (String guest : List.of("ann@contoso.example", "bob@contoso.example")) {
            kafka.publish(new GuestBlocked(UUID.randomUUID().toString(), guest, null, List.of(sponsor), "PARTNER_ACCOUNT_DISABLED", signalId,
                    List.of(), Instant.now(), "partner"));
        }
        await().atMost(MAIL_DELIVERED).until(() -> mailsTo(sponsor).size() == 2);
        List<String> subjects = new ArrayList<>();
        for (MimeMessage message : mailsTo(sponsor)) {
            subjects.add(message.getSubject());
        }
        assertTrue(subjects.stream().anyMatch(t -> t.contains("ann@contoso.example")) && subjects.stream().anyMatch(t -> t.contains("bob@contoso.example")),
                subjects.toString());
    }

    @Test
    void twoSendersAtOnceNeverSendAMessageTwice() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<String> sponsors = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            sponsors.add("race-" + i + "-" + run + "@example.com");
        }
        // the planned messages sit in the log while three passes race for them: the service's own and two more, as other instances would
        Notification.Status pending = Notification.Status.PENDING;
        new KafkaTestClient(KafkaResource.bootstrapServers()).publish(new GuestBlocked(UUID.randomUUID().toString(), "ann@contoso.example",
                null, sponsors, "PARTNER_ACCOUNT_DISABLED", UUID.randomUUID().toString(), List.of(), Instant.now(), "partner"));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                List<Future<Boolean>> passes = List.of(pool.submit(sender::sendDue), pool.submit(sender::sendDue));
                for (Future<Boolean> pass : passes) {
                    pass.get();
                }
                return mailsTo(sponsors.toArray(String[]::new)).size() >= sponsors.size()
                        && QuarkusTransaction.requiringNew().call(() -> Notification.count("status = ?1 and recipient like ?2", pending, "%" + run + "%")) == 0;
            });
        } finally {
            pool.shutdownNow();
        }
        for (String sponsor : sponsors) {
            assertEquals(1, mailsTo(sponsor).size(), sponsor);
        }
    }

    @Test
    void theMessageLogNeedsATokenAndAnAdminOrAuditorRole() {
        given().get("/api/v1/notifications").then().statusCode(401);
        given().auth().oauth2(TestTokens.owner("o@example.com")).get("/api/v1/notifications").then().statusCode(403)
                .contentType("application/problem+json");
        given().auth().oauth2(TestTokens.admin()).queryParam("status", "LOST").get("/api/v1/notifications").then().statusCode(400).body("errors[0].field", equalTo("status"))
                .contentType("application/problem+json");
    }

    @Test
    void aRemovedGuestIsErasedFromTheMessagesAboutThem() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String sponsor = "sponsor-" + run + "@example.com";
        String guestId = UUID.randomUUID().toString();
        String signalId = UUID.randomUUID().toString();
        String email = "zoe-" + run + "@contoso.com";
        KafkaTestClient kafka = new KafkaTestClient(KafkaResource.bootstrapServers());
        kafka.publish(new GuestBlocked(guestId, email, "Zoe Quartermain", List.of(sponsor), "PARTNER_ACCOUNT_DISABLED", signalId,
                List.of(grant(UUID.randomUUID().toString(), "CRM", "reader", "owner-" + run + "@example.com")), Instant.now(), "partner"));
        await().atMost(MAIL_DELIVERED).until(() -> mailsTo(sponsor).size() == 1);

        // a message to them, planned before anything made them a guest here (a campaign asks them to review their own access)
        kafka.publish(new ReviewerAssigned(UUID.randomUUID().toString(), "Self-attestation " + run, email, 1, Instant.now().plus(Duration.ofDays(7)),
                "https://portcullis.example.com/reviews", 1));
        await().atMost(MAIL_DELIVERED).until(() -> mailsTo(email).size() == 1);

        kafka.publish(new GuestRemoved(guestId, List.of(sponsor), "PARTNER_ACCOUNT_PURGED", UUID.randomUUID().toString(), List.of(), Instant.now(),
                "partner", email));
        // nothing of notification-service holds their address any more: not the messages about them, not those to them, nor their events
        await().atMost(Duration.ofSeconds(15)).until(() -> PersonalDataScan.holding(dataSource, email), List::isEmpty);

        String erased = GuestRemoved.erasedEmail(guestId);
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> given().auth().oauth2(TestTokens.auditor()).queryParam("causeId", signalId)
                .get("/api/v1/notifications").then().statusCode(200).body("items.size()", equalTo(2))
                .body("items.subject", everyItem(org.hamcrest.Matchers.containsString(erased)))
                .body("items.body", everyItem(org.hamcrest.Matchers.not(org.hamcrest.Matchers.containsString(email))))
                .body("items.body", everyItem(org.hamcrest.Matchers.not(org.hamcrest.Matchers.containsString("Quartermain")))));
    }

    /**
     * Events about a guest published before their removal can arrive after it on other topics (review-service closes their review
     * on the revocation, inventory's expiry notice was on its way): what they plan names the guest no more, and nothing goes to them.
     */
    @Test
    void whatArrivesAboutARemovedGuestAfterTheRemovalNamesThemNoMore() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String sponsor = "sponsor-" + run + "@example.com";
        String guestId = UUID.randomUUID().toString();
        String email = "yan-" + run + "@contoso.com";
        KafkaTestClient kafka = new KafkaTestClient(KafkaResource.bootstrapServers());
        kafka.publish(new GuestRemoved(guestId, List.of(sponsor), "PARTNER_ACCOUNT_PURGED", UUID.randomUUID().toString(), List.of(), Instant.now(),
                "partner", email));
        await().atMost(MAIL_DELIVERED).until(() -> mailsTo(sponsor).size() == 1);

        String campaign = UUID.randomUUID().toString();
        kafka.publish(new ReviewerAssigned(campaign, "Self-attestation " + run, email.toUpperCase(java.util.Locale.ROOT), 1,
                Instant.now().plus(Duration.ofDays(7)), "https://portcullis.example.com/reviews", 1));
        kafka.publish(new dev.portcullis.events.AccessExpiring(UUID.randomUUID().toString(), guestId, email, List.of(sponsor),
                UUID.randomUUID().toString(), "CRM", List.of(), "reader", Instant.now().plus(Duration.ofDays(14)), 14));
        await().atMost(MAIL_DELIVERED).until(() -> mailsTo(sponsor).size() == 2);

        String erased = GuestRemoved.erasedEmail(guestId);
        MimeMessage expiring = mailsTo(sponsor).get(1);
        assertTrue(expiring.getSubject().startsWith(erased + "'s access to CRM"), expiring.getSubject());
        assertTrue(!MailParts.text(expiring).contains(email) && !MailParts.html(expiring).contains(email), MailParts.text(expiring));
        // the review's digest to them is logged as not sent, to nobody
        Notification digest = await().atMost(Duration.ofSeconds(15)).until(() -> QuarkusTransaction.requiringNew().call(() ->
                Notification.<Notification>find("causeId like ?1", "%" + campaign + "%").firstResult()), java.util.Objects::nonNull);
        assertEquals(Notification.Status.SUPPRESSED, digest.status);
        assertEquals(erased, digest.recipient);
        assertEquals(List.of(), mailsTo(email));
        assertEquals(List.of(), PersonalDataScan.holding(dataSource, email));
    }

    @Inject
    dev.portcullis.notification.messaging.InventoryEventConsumer inventoryEvents;

    /**
     * One poll of inventory.guests and inventory.access is one transaction, and it brings each partition's records in turn: the
     * guest's block and removal (inventory.guests), then a grant of theirs that a review denied before (inventory.access). The
     * block read their address as not erased; the revocation, planned after the removal in the same transaction, must not name
     * them all the same.
     */
    @Test
    void aRevocationAfterTheGuestsRemovalInTheSamePollNamesThemNoMore() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String sponsor = "sponsor-" + run + "@example.com";
        String owner = "owner-" + run + "@example.com";
        String guestId = UUID.randomUUID().toString();
        String email = "una-" + run + "@contoso.com";
        String name = "Una Featherstonehaugh";
        String crm = UUID.randomUUID().toString();
        List<dev.portcullis.events.EventPayload> poll = List.of(
                new GuestBlocked(guestId, email, name, List.of(sponsor), "PARTNER_ACCOUNT_DISABLED", UUID.randomUUID().toString(),
                        List.of(grant(crm, "CRM", "reader", owner)), Instant.now(), "partner"),
                new GuestRemoved(guestId, List.of(sponsor), "PARTNER_ACCOUNT_PURGED", UUID.randomUUID().toString(), List.of(), Instant.now(),
                        "partner", email),
                new dev.portcullis.events.AccessRevoked(UUID.randomUUID().toString(), guestId, crm, "CRM", List.of(owner), "writer",
                        dev.portcullis.events.RevocationReason.REVIEW_DENIED, null, Instant.now(), "reviewer@example.com", email, List.of(sponsor), name));
        org.apache.kafka.clients.consumer.ConsumerRecords<String, String> records = onePoll(poll);
        assertEquals(List.of(Topic.INVENTORY_GUESTS.topicName(), Topic.INVENTORY_ACCESS.topicName()),
                records.partitions().stream().map(org.apache.kafka.common.TopicPartition::topic).toList());
        inventoryEvents.consume(records);

        assertEquals(List.of(), PersonalDataScan.holding(dataSource, email));
        assertEquals(List.of(), PersonalDataScan.holding(dataSource, "Featherstonehaugh"));
        List<Notification> denial = QuarkusTransaction.requiringNew().call(() -> Notification.<Notification>list("guestId = ?1 and body like ?2",
                UUID.fromString(guestId), "%CRM (writer)%"));
        assertEquals(2, denial.size(), "the review's denial, to the sponsor and to the owner");
        for (Notification n : denial) {
            assertTrue(n.subject.contains(GuestRemoved.erasedEmail(guestId)) && n.body.contains(GuestRemoved.erasedEmail(guestId)), n.subject + "\n" + n.body);
        }
    }

    /**
     * A partner organization's block reaches thousands of guests at once: each sponsor and each owner gets one message that lists
     * the guests of it they sponsor (with everything each lost) or who had their resources (with what of theirs). A guest removed
     * while the message gathers is erased from it before it goes.
     */
    @Test
    void aPartnersBlockTellsEachSponsorAndOwnerOnceListingItsGuests() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String sponsor1 = "sponsor1-" + run + "@example.com";
        String sponsor2 = "sponsor2-" + run + "@example.com";
        String owner1 = "owner1-" + run + "@example.com";
        String owner2 = "owner2-" + run + "@example.com";
        String cause = "partner:" + UUID.randomUUID();
        String crm = UUID.randomUUID().toString();
        String wiki = UUID.randomUUID().toString();
        String ann = "ann-" + run + "@contoso.com";
        String bob = "bob-" + run + "@contoso.com";
        String cyd = "cyd-" + run + "@contoso.com";
        String cydId = UUID.randomUUID().toString();
        KafkaTestClient kafka = new KafkaTestClient(KafkaResource.bootstrapServers());
        kafka.publish(new GuestBlocked(UUID.randomUUID().toString(), ann, "Ann Smith", List.of(sponsor1), "PARTNER_BLOCKED", cause,
                List.of(grant(crm, "CRM", "reader", owner1), grant(wiki, "Wiki", "editor", owner2)), Instant.now(), "it-admin@example.com"));
        kafka.publish(new GuestBlocked(UUID.randomUUID().toString(), bob, "Bob Jones", List.of(sponsor1), "PARTNER_BLOCKED", cause,
                List.of(grant(crm, "CRM", "writer", owner1)), Instant.now(), "it-admin@example.com"));
        // sponsor1 owns Cyd's one resource: their message lists Cyd too, as an owner's line
        kafka.publish(new GuestBlocked(cydId, cyd, "Cyd Quist", List.of(sponsor2), "PARTNER_BLOCKED", cause,
                List.of(grant(UUID.randomUUID().toString(), "Vault", "reader", sponsor1)), Instant.now(), "it-admin@example.com"));
        kafka.publish(new GuestRemoved(cydId, List.of(sponsor2), "ADMIN", UUID.randomUUID().toString(), List.of(), Instant.now(), "it-admin@example.com", cyd));

        // four messages about the block, and sponsor2's of Cyd's removal
        await().atMost(MAIL_DELIVERED).until(() -> mailsTo(sponsor1, sponsor2, owner1, owner2).size() == 5);
        String erased = GuestRemoved.erasedEmail(cydId);
        MimeMessage toSponsor1 = mailsTo(sponsor1).get(0);
        String text = MailParts.text(toSponsor1);
        assertTrue(toSponsor1.getSubject().contains("3 guests"), toSponsor1.getSubject());
        assertTrue(text.contains("it-admin@example.com blocked a partner organization") && text.contains("ask it-admin@example.com to unblock it"), text);
        assertTrue(text.contains(ann + ", whom you sponsor: CRM (reader), Wiki (editor)") && text.contains(bob + ", whom you sponsor: CRM (writer)")
                && text.contains(erased + ": Vault (reader)"), text);
        assertTrue(MailParts.html(toSponsor1).contains("<li>" + ann + ", whom you sponsor: CRM (reader), Wiki (editor)</li>"), MailParts.html(toSponsor1));
        String toOwner1 = MailParts.text(mailsTo(owner1).get(0));
        assertTrue(toOwner1.contains(ann + ": CRM (reader)") && toOwner1.contains(bob + ": CRM (writer)") && !toOwner1.contains("Wiki"), toOwner1);
        assertTrue(MailParts.text(mailsTo(owner2).get(0)).contains(ann + ": Wiki (editor)"));
        assertTrue(mailsTo(sponsor2).stream().anyMatch(m -> MailParts.text(m).contains(erased + ", whom you sponsor: Vault (reader)")));
        assertEquals(List.of(), PersonalDataScan.holding(dataSource, cyd));
        // one message each, however many guests: nothing else is planned for the block
        await().atMost(Duration.ofSeconds(15)).until(() -> QuarkusTransaction.requiringNew().call(() -> Notification.count("causeId like ?1 and status <> ?2",
                "organization-blocked:" + cause + ":%", Notification.Status.SENT)) == 0);
        assertEquals(4L, QuarkusTransaction.requiringNew().call(() -> Notification.count("causeId like ?1", "organization-blocked:" + cause + ":%")));
        assertEquals(1, mailsTo(sponsor1).size());
        assertEquals(1, mailsTo(owner1).size());
    }

    /** Past 500 guests a message, the next start another: one poll of 501 guests of a blocked partner, one sponsor. */
    @Test
    void aBlockOfMoreGuestsThanAMessageListsIsTwoMessages() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String sponsor = "many-" + run + "@example.com";
        String cause = "partner:" + UUID.randomUUID();
        List<GuestBlocked> blocked = new ArrayList<>();
        for (int i = 0; i < 501; i++) {
            // the first guest lost many grants: a line longer than any one grant's
            List<RevokedGrant> grants = i > 0 ? List.of() : java.util.stream.IntStream.range(0, 40)
                    .mapToObj(g -> grant(UUID.randomUUID().toString(), "Resource with a long name number " + g, "reader", sponsor)).toList();
            blocked.add(new GuestBlocked(UUID.randomUUID().toString(), "g" + i + "-" + run + "@contoso.com", null, List.of(sponsor), "PARTNER_BLOCKED",
                    cause, grants, Instant.now(), "it-admin@example.com"));
        }
        inventoryEvents.consume(onePoll(blocked));
        await().atMost(MAIL_DELIVERED).until(() -> mailsTo(sponsor).size() == 2);
        List<String> texts = mailsTo(sponsor).stream().map(MailParts::text).sorted(java.util.Comparator.comparing(String::length).reversed()).toList();
        List<String> subjects = mailsTo(sponsor).stream().map(m -> {
            try {
                return m.getSubject();
            } catch (jakarta.mail.MessagingException e) {
                throw new IllegalStateException(e);
            }
        }).toList();
        // each rendered with all its lines when it was sent, in the order they came
        assertEquals(500, texts.get(0).lines().filter(l -> l.startsWith("  - g")).count(), texts.get(0));
        assertTrue(texts.get(0).lines().filter(l -> l.startsWith("  - g")).findFirst().orElseThrow().endsWith("Resource with a long name number 39 (reader)"),
                texts.get(0));
        assertEquals(1, texts.get(1).lines().filter(l -> l.startsWith("  - g")).count(), texts.get(1));
        assertTrue(subjects.stream().anyMatch(s -> s.contains("500 guests")) && subjects.stream().anyMatch(s -> s.contains("1 guest of yours")), subjects.toString());
        // what the messages listed leaves with them
        assertEquals(0L, QuarkusTransaction.requiringNew().call(() -> ((Number) Notification.getEntityManager()
                .createNativeQuery("select count(*) from notification_line where recipient = ?1").setParameter(1, sponsor).getSingleResult()).longValue()));
    }

    /**
     * Two consumer instances gathering a partner's block into the same owner's message at once (each has some of its guests'
     * partitions). The one that would plan the owner's first message while the other plans it waits and adds to that one: one
     * message, not one each. Once it exists, each writes its lines into it, and waits for the other's commit only to count them.
     */
    @Test
    void twoConsumersGatherIntoOneMessageAndWaitForEachOtherOnlyToCountItsLines() throws Exception {
        String owner = "owner-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        String group = "organization-blocked:partner:" + UUID.randomUUID() + ":";
        ExecutorService first = Executors.newSingleThreadExecutor();
        ExecutorService second = Executors.newSingleThreadExecutor();
        try {
            java.util.concurrent.CountDownLatch written = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch commit = new java.util.concurrent.CountDownLatch(1);
            Future<?> planning = first.submit(() -> gatherAndCommit(owner, group, "guest-1", written, commit));
            written.await();
            Future<?> waiting = second.submit(() -> gatherAndCommit(owner, group, "guest-2", null, null));
            // the second plans no message of its own: it waits for the first's, under the lock on the owner and the group
            await().atMost(Duration.ofSeconds(10)).until(() -> waiting("advisory") == 1);
            commit.countDown();
            planning.get(10, java.util.concurrent.TimeUnit.SECONDS);
            waiting.get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(List.of(group + "1"), causes(owner));

            java.util.concurrent.CountDownLatch written2 = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch commit2 = new java.util.concurrent.CountDownLatch(1);
            Future<?> holding = first.submit(() -> gatherAndCommit(owner, group, "guest-3", written2, commit2));
            written2.await();
            // the first has written its line and not committed: the second writes its own into the same message, and waits for the
            // first's commit only to add to the message's count of lines (a row lock, taken last), not to plan another message
            Future<?> adding = second.submit(() -> gatherAndCommit(owner, group, "guest-4", null, null));
            await().atMost(Duration.ofSeconds(10)).until(() -> waiting("transactionid") == 1);
            assertEquals(0, waiting("advisory"), "no second message planned");
            commit2.countDown();
            holding.get(10, java.util.concurrent.TimeUnit.SECONDS);
            adding.get(10, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            first.shutdownNow();
            second.shutdownNow();
        }
        assertEquals(List.of(group + "1"), causes(owner));
        // in the order they were written
        assertEquals(List.of("guest-1", "guest-2", "guest-3", "guest-4"), QuarkusTransaction.requiringNew().call(() -> Notification.getEntityManager()
                .createNativeQuery("select line from notification_line where recipient = ?1 order by seq", String.class).setParameter(1, owner)
                .getResultList()));
        // due now: sent once, listing the four
        QuarkusTransaction.requiringNew().run(() -> Notification.update("nextAttemptAt = ?1 where recipient = ?2", Instant.now(), owner));
        await().atMost(MAIL_DELIVERED).until(() -> mailsTo(owner).size() == 1);
        String text = MailParts.text(mailsTo(owner).get(0));
        assertTrue(List.of("guest-1", "guest-2", "guest-3", "guest-4").stream().allMatch(g -> text.contains("  - " + g)), text);
    }

    private void gatherAndCommit(String owner, String group, String line, java.util.concurrent.CountDownLatch written,
            java.util.concurrent.CountDownLatch commit) {
        QuarkusTransaction.requiringNew().run(() -> {
            messages.gather(owner, Notification.Type.ORGANIZATION_BLOCKED, group, line, new dev.portcullis.notification.service.Messages.Gathered(
                    java.util.Map.of("what", "it-admin@example.com blocked a partner organization", "next", "ask it-admin@example.com"), "guests"),
                    UUID.randomUUID().toString(), dev.portcullis.notification.service.Messages.About.NOBODY, Duration.ofMinutes(10));
            messages.writeGathered();
            if (written != null) {
                written.countDown();
                try {
                    commit.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
        });
    }

    private static List<String> causes(String recipient) {
        return QuarkusTransaction.requiringNew().call(() -> Notification.<Notification>list("recipient", recipient).stream().map(n -> n.causeId).toList());
    }

    /** How many backends wait for a lock of {@code type} (pg_locks): the other consumer's transaction, stopped where it waits. */
    private static long waiting(String type) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) Notification.getEntityManager()
                .createNativeQuery("select count(*) from pg_locks where locktype = ?1 and not granted").setParameter(1, type).getSingleResult()).longValue());
    }

    /**
     * A sponsor whose own address a removal erased (they were a guest too) is told nothing more: a block of more guests than a
     * message lists, in one poll, is logged as messages to the erased address, never sent, and the poll is applied.
     */
    @Test
    void aBlockOfManyGuestsForARecipientWhoseAddressWasErasedIsLoggedNotSent() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String sponsor = "gone-" + run + "@example.com";
        String formerGuest = UUID.randomUUID().toString();
        inventoryEvents.consume(onePoll(List.of(new GuestRemoved(formerGuest, List.of(), "ADMIN", UUID.randomUUID().toString(), List.of(),
                Instant.now(), "it-admin@example.com", sponsor))));
        String cause = "partner:" + UUID.randomUUID();
        List<GuestBlocked> blocked = new ArrayList<>();
        for (int i = 0; i < 501; i++) {
            blocked.add(new GuestBlocked(UUID.randomUUID().toString(), "e" + i + "-" + run + "@contoso.com", null, List.of(sponsor), "PARTNER_BLOCKED",
                    cause, List.of(), Instant.now(), "it-admin@example.com"));
        }
        inventoryEvents.consume(onePoll(blocked));
        List<Notification> messages = QuarkusTransaction.requiringNew().call(() -> Notification.<Notification>list("causeId like ?1 order by causeId",
                "organization-blocked:" + cause + ":%"));
        assertEquals(List.of(Notification.Status.SUPPRESSED, Notification.Status.SUPPRESSED), messages.stream().map(n -> n.status).toList());
        assertEquals(List.of(GuestRemoved.erasedEmail(formerGuest)), messages.stream().map(n -> n.recipient).distinct().toList());
        assertEquals(List.of(), PersonalDataScan.holding(dataSource, sponsor));
    }

    /** {@code events} as one poll of the consumer would bring them: each topic's in one partition, the topics in the order they first come. */
    private static org.apache.kafka.clients.consumer.ConsumerRecords<String, String> onePoll(List<? extends dev.portcullis.events.EventPayload> events) {
        java.util.Map<org.apache.kafka.common.TopicPartition, List<org.apache.kafka.clients.consumer.ConsumerRecord<String, String>>> records =
                new java.util.LinkedHashMap<>();
        for (dev.portcullis.events.EventPayload event : events) {
            org.apache.kafka.clients.producer.ProducerRecord<String, String> sent = KafkaTestClient.record(event, UUID.randomUUID().toString());
            List<org.apache.kafka.clients.consumer.ConsumerRecord<String, String>> partition = records.computeIfAbsent(
                    new org.apache.kafka.common.TopicPartition(sent.topic(), 0), t -> new ArrayList<>());
            partition.add(new org.apache.kafka.clients.consumer.ConsumerRecord<>(sent.topic(), 0, partition.size(), System.currentTimeMillis(),
                    org.apache.kafka.common.record.TimestampType.CREATE_TIME, -1, -1, sent.key(), sent.value(), sent.headers(), java.util.Optional.empty()));
        }
        return new org.apache.kafka.clients.consumer.ConsumerRecords<>(records, java.util.Map.of());
    }

    private static RevokedGrant grant(String resourceId, String name, String role, String owner) {
        return new RevokedGrant(UUID.randomUUID().toString(), resourceId, name, role, List.of(owner));
    }
}

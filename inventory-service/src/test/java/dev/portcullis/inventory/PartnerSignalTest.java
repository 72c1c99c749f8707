package dev.portcullis.inventory;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.events.AccessRevoked;
import dev.portcullis.events.EventJson;
import dev.portcullis.events.EventSchemas;
import dev.portcullis.events.EventType;
import dev.portcullis.events.GuestBlocked;
import dev.portcullis.events.GuestRemoved;
import dev.portcullis.events.GuestUnblocked;
import dev.portcullis.events.PartnerAccountDisabled;
import dev.portcullis.events.PartnerAccountEnabled;
import dev.portcullis.events.PartnerAccountPurged;
import dev.portcullis.events.PartnerCredentialCompromised;
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
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The flagship inside inventory-service: a partner disables an account, every grant ends, and Kafka says so. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
class PartnerSignalTest {

    private static final String SPONSOR = "sponsor@example.com";
    /** Where the partner-signal connector writes, as the partners of {@code api} name it. */
    private static final String CONNECTOR_TOPIC = Topic.PartnerSignalConnectors.topicOf(TestTokens.SIGNAL_CONNECTOR);

    @TestHTTPResource("/")
    URL baseUrl;

    InventoryApi api;
    KafkaTestClient kafka;
    List<String> resources;

    @BeforeEach
    void setUp() {
        api = new InventoryApi(baseUrl.toString(), TestTokens::admin, TestTokens::signal);
        kafka = new KafkaTestClient(KafkaResource.bootstrapServers());
        resources = api.twoResources();
    }

    /**
     * A partner's signal shows its offboarding reaches us: its first signal announces the partner with lastSignalAt (the posture's
     * connected partners), a second the same day announces nothing more.
     */
    @Test
    void aPartnersFirstSignalOfTheDayAnnouncesThePartnerAsSignallingAndTheNextDoesNot() {
        InventoryApi.Guest ann = api.guestWithGrants(resources, 1, SPONSOR);
        String partner = api.as(TestTokens.admin()).get("/api/v1/guests/" + ann.id()).then().extract().path("partnerId");
        api.postSignal("ACCOUNT_DISABLED", ann.homeTenantId(), ann.homeSubject(), Instant.now()).then().statusCode(202);
        api.postSignal("ACCOUNT_ENABLED", ann.homeTenantId(), ann.homeSubject(), Instant.now()).then().statusCode(202);
        List<dev.portcullis.events.PartnerUpserted> announced = await().atMost(Duration.ofSeconds(20)).until(() -> kafka.readAll(
                Topic.INVENTORY_PARTNERS.topicName(), r -> partner.equals(r.key())).stream()
                .map(r -> EventJson.read(r.value(), dev.portcullis.events.PartnerUpserted.class)).toList(),
                events -> events.stream().anyMatch(e -> e.signalChannels() != null && e.signalChannels().lastSignalAt() != null));
        assertEquals(1, announced.stream().filter(e -> e.signalChannels() != null && e.signalChannels().lastSignalAt() != null).count(),
                "announced once a day: " + announced);
        assertEquals(null, announced.get(0).signalChannels() == null ? null : announced.get(0).signalChannels().lastSignalAt(),
                "its creation named no signal");
    }

    @Test
    void disabledAccountBlocksTheGuestRevokesEveryGrantAndPublishesTheChain() {
        InventoryApi.Guest guest = api.guestWithGrants(resources, 5, SPONSOR);

        String signalId = api.postSignal("ACCOUNT_DISABLED", guest.homeTenantId(), guest.homeSubject(), Instant.now())
                .then().statusCode(202).body("outcome", equalTo("APPLIED")).extract().path("id");

        assertEquals(List.of("REVOKED", "REVOKED", "REVOKED", "REVOKED", "REVOKED"), api.grantStates(guest.id()));
        api.as(TestTokens.admin()).get("/api/v1/guests/" + guest.id()).then().statusCode(200)
                .body("state", equalTo("BLOCKED")).body("activeGrants.size()", equalTo(0));
        api.as(TestTokens.admin()).queryParam("guestId", guest.id()).get("/api/v1/grants").then()
                .body("items.revokedReason", hasItem("PARTNER_ACCOUNT_DISABLED")).body("items[0].revocationCause", equalTo(signalId));
        api.as(TestTokens.auditor()).get("/api/v1/partner-signals/" + signalId).then().statusCode(200)
                .body("matchedGuestIds", equalTo(List.of(guest.id()))).body("revokedGrantIds.size()", equalTo(5));

        List<ConsumerRecord<String, String>> revoked = await().atMost(Duration.ofSeconds(10))
                .until(() -> kafka.readAll(Topic.INVENTORY_ACCESS.topicName(), r -> guest.id().equals(r.key())
                        && EventType.ACCESS_REVOKED.ceType().equals(KafkaTestClient.header(r, "ce_type"))), r -> r.size() == 5);
        for (ConsumerRecord<String, String> record : revoked) {
            assertEquals(List.of(), EventSchemas.violations(EventType.ACCESS_REVOKED, record.value()));
            AccessRevoked event = EventJson.read(record.value(), AccessRevoked.class);
            assertEquals(signalId, event.causeId());
            assertEquals("1.0", KafkaTestClient.header(record, "ce_specversion"));
            assertEquals("/portcullis/inventory-service", KafkaTestClient.header(record, "ce_source"));
        }
        assertEquals(5, revoked.stream().map(r -> KafkaTestClient.header(r, "ce_id")).distinct().count());

        List<ConsumerRecord<String, String>> blocked = await().atMost(Duration.ofSeconds(10))
                .until(() -> kafka.readAll(Topic.INVENTORY_GUESTS.topicName(), r -> guest.id().equals(r.key())
                        && EventType.GUEST_BLOCKED.ceType().equals(KafkaTestClient.header(r, "ce_type"))), r -> r.size() == 1);
        GuestBlocked event = EventJson.read(blocked.get(0).value(), GuestBlocked.class);
        assertEquals(List.of(SPONSOR), event.sponsors());
        assertEquals(5, event.revokedGrants().size());
        assertEquals(Set.of("owner1@example.com", "owner2@example.com"),
                event.revokedGrants().stream().flatMap(g -> g.owners().stream()).collect(Collectors.toSet()));
    }

    @Test
    void aCompromisedCredentialBlocksTheGuestAndRevokesOnlyTheGrantsOnSensitiveResources() {
        InventoryApi.Guest guest = api.guestWithGrants(resources, 4, SPONSOR);

        String signalId = api.postSignal("CREDENTIAL_COMPROMISED", guest.homeTenantId(), guest.homeSubject(), Instant.now())
                .then().statusCode(202).body("outcome", equalTo("APPLIED")).extract().path("id");

        api.as(TestTokens.admin()).get("/api/v1/guests/" + guest.id()).then().statusCode(200).body("state", equalTo("BLOCKED"));
        api.as(TestTokens.admin()).queryParam("guestId", guest.id()).queryParam("state", "REVOKED").get("/api/v1/grants").then()
                .body("items.size()", equalTo(2)).body("items.resourceId", everyItem(equalTo(resources.get(0))))
                .body("items.revokedReason", everyItem(equalTo("PARTNER_CREDENTIAL_COMPROMISED")));
        api.as(TestTokens.admin()).queryParam("guestId", guest.id()).queryParam("state", "ACTIVE").get("/api/v1/grants").then()
                .body("items.size()", equalTo(2)).body("items.resourceId", everyItem(equalTo(resources.get(1))));
        GuestBlocked blocked = onlyGuestEvent(guest, EventType.GUEST_BLOCKED, GuestBlocked.class);
        assertEquals("PARTNER_CREDENTIAL_COMPROMISED", blocked.reason());
        assertEquals(signalId, blocked.causeId());
        assertEquals(2, blocked.revokedGrants().size());
    }

    @Test
    void anAccountEnabledAgainLiftsThePartnersBlockButRestoresNoGrant() {
        InventoryApi.Guest guest = api.guestWithGrants(resources, 2, SPONSOR);
        api.postSignal("ACCOUNT_DISABLED", guest.homeTenantId(), guest.homeSubject(), Instant.now().minusSeconds(60)).then().statusCode(202);

        String signalId = api.postSignal("ACCOUNT_ENABLED", guest.homeTenantId(), guest.homeSubject(), Instant.now())
                .then().statusCode(202).body("outcome", equalTo("APPLIED")).extract().path("id");

        api.as(TestTokens.admin()).get("/api/v1/guests/" + guest.id()).then().statusCode(200).body("state", equalTo("INVITED"))
                .body("activeGrants.size()", equalTo(0));
        assertEquals(List.of("REVOKED", "REVOKED"), api.grantStates(guest.id()));
        GuestUnblocked unblocked = onlyGuestEvent(guest, EventType.GUEST_UNBLOCKED, GuestUnblocked.class);
        assertEquals("INVITED", unblocked.state());
        assertEquals(signalId, unblocked.causeId());
        // enabled again: nothing left to lift
        api.postSignal("ACCOUNT_ENABLED", guest.homeTenantId(), guest.homeSubject(), Instant.now().plusSeconds(1))
                .then().statusCode(202).body("outcome", equalTo("NO_CHANGE"));
    }

    @Test
    void aPurgedAccountRemovesTheGuestRevokesWhatRemainsAndIsPastEverySignalAfter() {
        InventoryApi.Guest guest = api.guestWithGrants(resources, 3, SPONSOR);

        String signalId = api.postSignal("ACCOUNT_PURGED", guest.homeTenantId(), guest.homeSubject(), Instant.now())
                .then().statusCode(202).body("outcome", equalTo("APPLIED")).extract().path("id");

        api.as(TestTokens.admin()).get("/api/v1/guests/" + guest.id()).then().statusCode(200).body("state", equalTo("REMOVED"));
        api.as(TestTokens.admin()).queryParam("guestId", guest.id()).get("/api/v1/grants").then()
                .body("items.state", everyItem(equalTo("REVOKED"))).body("items.revokedReason", everyItem(equalTo("GUEST_REMOVED")));
        api.as(TestTokens.auditor()).get("/api/v1/partner-signals/" + signalId).then().body("revokedGrantIds.size()", equalTo(3));
        GuestRemoved removed = onlyGuestEvent(guest, EventType.GUEST_REMOVED, GuestRemoved.class);
        assertEquals(3, removed.revokedGrantIds().size());
        assertEquals(List.of(SPONSOR), removed.sponsors());
        // the purge erased the guest's personal data, the home subject included, and the signal that named them keeps no trace of it:
        // later statements about that subject name nobody here
        api.as(TestTokens.admin()).get("/api/v1/guests/" + guest.id()).then().body("homeSubject", equalTo(null));
        api.as(TestTokens.auditor()).get("/api/v1/partner-signals/" + signalId).then().body("homeSubject", equalTo(null));
        for (String type : List.of("ACCOUNT_ENABLED", "ACCOUNT_DISABLED", "CREDENTIAL_COMPROMISED")) {
            api.postSignal(type, guest.homeTenantId(), guest.homeSubject(), Instant.now()).then().statusCode(202).body("outcome", equalTo("NO_MATCH"));
        }
        api.as(TestTokens.admin()).get("/api/v1/guests/" + guest.id()).then().body("state", equalTo("REMOVED"));
    }

    @Test
    void anAdminsBlockIsNeverLiftedByASignalAndIllegalTransitionsAre409() {
        InventoryApi.Guest guest = api.guestWithGrants(resources, 2, SPONSOR);
        String path = "/api/v1/guests/" + guest.id();

        api.as(TestTokens.admin()).body(Map.of("reason", "left the project")).post(path + "/block").then().statusCode(200)
                .body("state", equalTo("BLOCKED"));
        api.as(TestTokens.admin()).queryParam("guestId", guest.id()).get("/api/v1/grants").then()
                .body("items.state", everyItem(equalTo("REVOKED"))).body("items.revokedReason", everyItem(equalTo("MANUAL")));
        api.postSignal("ACCOUNT_ENABLED", guest.homeTenantId(), guest.homeSubject(), Instant.now()).then().statusCode(202)
                .body("outcome", equalTo("NO_CHANGE"));
        api.as(TestTokens.admin()).get(path).then().body("state", equalTo("BLOCKED"));
        api.as(TestTokens.admin()).body(Map.of("reason", "again")).post(path + "/block").then().statusCode(409);

        api.as(TestTokens.admin()).body(Map.of("reason", "back on the project")).post(path + "/unblock").then().statusCode(200)
                .body("state", equalTo("INVITED"));
        api.as(TestTokens.admin()).body(Map.of()).post(path + "/unblock").then().statusCode(409);
        assertEquals(List.of("REVOKED", "REVOKED"), api.grantStates(guest.id()), "an unblock restores no grant");

        api.as(TestTokens.admin()).body(Map.of("reason", "contract ended")).delete(path).then().statusCode(200).body("state", equalTo("REMOVED"));
        api.as(TestTokens.admin()).body(Map.of()).delete(path).then().statusCode(409);
        api.as(TestTokens.admin()).body(Map.of()).post(path + "/block").then().statusCode(409);
        api.as(TestTokens.admin()).body(Map.of()).post("/api/v1/guests/" + UUID.randomUUID() + "/block").then().statusCode(404);
        api.as(TestTokens.admin()).body(Map.of("reason", "x".repeat(1001))).post(path + "/unblock").then().statusCode(400)
                .body("errors[0].field", org.hamcrest.Matchers.containsString("reason"));
        List<String> types = await().atMost(Duration.ofSeconds(10)).until(() -> kafka.readAll(Topic.INVENTORY_GUESTS.topicName(),
                r -> guest.id().equals(r.key())).stream().map(r -> KafkaTestClient.header(r, "ce_type")).toList(), t -> t.size() >= 4);
        assertEquals(List.of(EventType.GUEST_INVITED.ceType(), EventType.GUEST_BLOCKED.ceType(), EventType.GUEST_UNBLOCKED.ceType(),
                EventType.GUEST_REMOVED.ceType()), types);
    }

    @Test
    void theSameSignalAgainChangesNothingAndPublishesNothing() {
        InventoryApi.Guest guest = api.guestWithGrants(resources, 2, SPONSOR);
        Instant occurredAt = Instant.now();
        String first = api.postSignal("ACCOUNT_DISABLED", guest.homeTenantId(), guest.homeSubject(), occurredAt)
                .then().statusCode(202).extract().path("id");
        await().atMost(Duration.ofSeconds(10)).until(() -> guestEvents(guest).size() == 3);

        api.postSignal("ACCOUNT_DISABLED", guest.homeTenantId(), guest.homeSubject(), occurredAt)
                .then().statusCode(202).body("id", equalTo(first)).body("duplicate", equalTo(true));
        // a later statement about the same, already blocked, guest is recorded, and still changes nothing
        api.postSignal("ACCOUNT_DISABLED", guest.homeTenantId(), guest.homeSubject(), occurredAt.plusSeconds(60))
                .then().statusCode(202).body("outcome", equalTo("NO_CHANGE")).body("duplicate", equalTo(false));

        // a marker event published after the repeats: once it is on Kafka, anything the repeats published would be too
        String marker = api.grant(api.guestWithGrants(resources, 0, SPONSOR).id(), resources.get(0), "marker");
        await().atMost(Duration.ofSeconds(10)).until(() -> !kafka.readAll(Topic.INVENTORY_ACCESS.topicName(),
                r -> r.value().contains(marker)).isEmpty());
        assertEquals(3, guestEvents(guest).size());
    }

    @Test
    void aSignalThatMatchesNoGuestIsAcceptedAndRecordedAsMatchingNone() {
        String tenant = "tenant-" + Long.toHexString(System.nanoTime());
        api.createPartner(tenant, tenant + ".example");
        String id = api.postSignal("ACCOUNT_DISABLED", tenant, "sub-nobody", Instant.now())
                .then().statusCode(202).body("outcome", equalTo("NO_MATCH")).extract().path("id");
        api.as(TestTokens.admin()).get("/api/v1/partner-signals/" + id).then().statusCode(200)
                .body("outcome", equalTo("NO_MATCH")).body("matchedGuestIds.size()", equalTo(0)).body("receivedAt", notNullValue());
    }

    @Test
    void aSignalOnKafkaRevokesLikeOnePostedOverRest() {
        InventoryApi.Guest guest = api.guestWithGrants(resources, 3, SPONSOR);

        kafka.publishTo(CONNECTOR_TOPIC, new PartnerAccountDisabled(guest.homeTenantId(), guest.homeSubject(), null, Instant.now(), "bulk-account", null));

        await().atMost(Duration.ofSeconds(15)).until(() -> api.grantStates(guest.id()).equals(List.of("REVOKED", "REVOKED", "REVOKED")));
    }

    @Test
    void everySignalTypeOnKafkaActsLikeItsRestTwin() {
        // credential compromised: blocked, only the grants on sensitive resources revoked
        InventoryApi.Guest compromised = api.guestWithGrants(resources, 4, SPONSOR);
        kafka.publishTo(CONNECTOR_TOPIC, new PartnerCredentialCompromised(compromised.homeTenantId(), compromised.homeSubject(), null, Instant.now(), "breach", null));
        await().atMost(Duration.ofSeconds(15)).until(() -> api.grantStates(compromised.id()).stream().filter("REVOKED"::equals).count() == 2);
        api.as(TestTokens.admin()).get("/api/v1/guests/" + compromised.id()).then().body("state", equalTo("BLOCKED"))
                .body("blockedReason", equalTo("PARTNER_CREDENTIAL_COMPROMISED"));

        // enabled again (the event after the disable, on the same partition): the partner's block lifted, no grant restored
        InventoryApi.Guest enabled = api.guestWithGrants(resources, 2, SPONSOR);
        kafka.publishTo(CONNECTOR_TOPIC, new PartnerAccountDisabled(enabled.homeTenantId(), enabled.homeSubject(), null, Instant.now().minusSeconds(60), null, null));
        kafka.publishTo(CONNECTOR_TOPIC, new PartnerAccountEnabled(enabled.homeTenantId(), enabled.homeSubject(), null, Instant.now(), null, null));
        onlyGuestEvent(enabled, EventType.GUEST_UNBLOCKED, GuestUnblocked.class);
        api.as(TestTokens.admin()).get("/api/v1/guests/" + enabled.id()).then().body("state", equalTo("INVITED"));
        assertEquals(List.of("REVOKED", "REVOKED"), api.grantStates(enabled.id()));

        // purged: removed, every grant revoked, the sponsor told
        InventoryApi.Guest purged = api.guestWithGrants(resources, 3, SPONSOR);
        kafka.publishTo(CONNECTOR_TOPIC, new PartnerAccountPurged(purged.homeTenantId(), purged.homeSubject(), null, Instant.now(), "left", null));
        GuestRemoved removed = onlyGuestEvent(purged, EventType.GUEST_REMOVED, GuestRemoved.class);
        assertEquals(3, removed.revokedGrantIds().size());
        assertEquals("PARTNER_ACCOUNT_PURGED", removed.reason());
        api.as(TestTokens.admin()).get("/api/v1/guests/" + purged.id()).then().body("state", equalTo("REMOVED"));
    }

    @Test
    void aRedeliveredEventIsAppliedOnce() {
        InventoryApi.Guest first = api.guestWithGrants(resources, 1, SPONSOR);
        InventoryApi.Guest second = api.guestWithGrants(resources, 1, SPONSOR);
        String ceId = "redelivered-" + first.id();
        kafka.publishTo(CONNECTOR_TOPIC, new PartnerAccountDisabled(first.homeTenantId(), first.homeSubject(), null, Instant.now(), null, null), ceId);
        await().atMost(Duration.ofSeconds(15)).until(() -> api.grantStates(first.id()).equals(List.of("REVOKED")));

        // same ce_id, other content: the inbox knows the id, so it must not apply
        kafka.publishTo(CONNECTOR_TOPIC, new PartnerAccountDisabled(second.homeTenantId(), second.homeSubject(), null, Instant.now(), null, null), ceId);
        // then a real signal for the second guest: once it applied, the redelivery before it was consumed too
        InventoryApi.Guest third = api.guestWithGrants(resources, 1, SPONSOR);
        kafka.publishTo(CONNECTOR_TOPIC, new PartnerAccountDisabled(third.homeTenantId(), third.homeSubject(), null, Instant.now(), null, null));
        await().atMost(Duration.ofSeconds(15)).until(() -> api.grantStates(third.id()).equals(List.of("REVOKED")));

        assertEquals(List.of("ACTIVE"), api.grantStates(second.id()));
    }

    @Test
    void aPoisonMessageGoesToTheDeadLetterTopicAndConsumptionGoesOn() {
        kafka.publishRaw(CONNECTOR_TOPIC, "poison", "{\"homeTenantId\": 42, \"occurredAt\": \"yesterday\"}",
                KafkaTestClient.ceHeaders("poison-" + Instant.now().toEpochMilli(), EventType.PARTNER_ACCOUNT_DISABLED));
        kafka.publishRaw(CONNECTOR_TOPIC, "no-headers", "{}", new RecordHeaders());

        List<ConsumerRecord<String, String>> dead = await().atMost(Duration.ofSeconds(15))
                .until(() -> kafka.readAll(Topic.PARTNER_SIGNALS.deadLetterTopicName()), r -> r.size() >= 2);
        ConsumerRecord<String, String> poison = dead.stream().filter(r -> "poison".equals(r.key())).findFirst().orElseThrow();
        assertTrue(KafkaTestClient.header(poison, "dead-letter-reason").contains("schema"), KafkaTestClient.header(poison, "dead-letter-reason"));
        assertEquals(CONNECTOR_TOPIC, KafkaTestClient.header(poison, "dead-letter-topic"));

        InventoryApi.Guest guest = api.guestWithGrants(resources, 1, SPONSOR);
        kafka.publishTo(CONNECTOR_TOPIC, new PartnerAccountDisabled(guest.homeTenantId(), guest.homeSubject(), null, Instant.now(), null, null));
        await().atMost(Duration.ofSeconds(15)).until(() -> api.grantStates(guest.id()).equals(List.of("REVOKED")));
    }

    @Test
    void aSignalClientSpeaksOnlyForItsOwnPartnersTenant() {
        InventoryApi.Guest guest = api.guestWithGrants(resources, 2, SPONSOR);
        String intruder = TestTokens.signalFromClient("another-partners-connector");

        api.as(intruder).body(java.util.Map.of("type", "ACCOUNT_DISABLED", "homeTenantId", guest.homeTenantId(), "homeSubject",
                guest.homeSubject(), "occurredAt", Instant.now().toString())).post("/api/v1/partner-signals").then().statusCode(403)
                .contentType("application/problem+json");
        assertEquals(List.of("ACTIVE", "ACTIVE"), api.grantStates(guest.id()));

        String id = api.postSignal("ACCOUNT_DISABLED", guest.homeTenantId(), guest.homeSubject(), Instant.now()).then().statusCode(202)
                .extract().path("id");
        api.as(intruder).get("/api/v1/partner-signals/" + id).then().statusCode(404);
        api.as(TestTokens.signal()).get("/api/v1/partner-signals/" + id).then().statusCode(200).body("outcome", equalTo("APPLIED"));
        // a tenant nobody connected has no signal clients at all
        api.postSignal("ACCOUNT_DISABLED", "tenant-nobody-connected", "sub", Instant.now()).then().statusCode(403);
    }

    @Test
    void aSignalMatchesBySubjectThenByEmailWithinTheTenantOnly() {
        InventoryApi.Guest guest = api.guestWithGrants(resources, 1, SPONSOR);
        String email = api.as(TestTokens.admin()).get("/api/v1/guests/" + guest.id()).then().extract().path("email");
        InventoryApi.Guest elsewhere = api.guestWithGrants(resources, 1, SPONSOR);

        // another tenant's subject names nobody here, even though the subject exists
        api.as(TestTokens.signal()).body(java.util.Map.of("type", "ACCOUNT_DISABLED", "homeTenantId", elsewhere.homeTenantId(),
                "homeSubject", guest.homeSubject(), "occurredAt", Instant.now().toString())).post("/api/v1/partner-signals").then()
                .statusCode(202).body("outcome", equalTo("NO_MATCH"));
        assertEquals(List.of("ACTIVE"), api.grantStates(guest.id()));

        // an unknown subject but the guest's address in the guest's tenant: matched by email
        api.as(TestTokens.signal()).body(java.util.Map.of("type", "ACCOUNT_DISABLED", "homeTenantId", guest.homeTenantId(),
                "homeSubject", "renamed-at-home", "email", email.toUpperCase(), "occurredAt", Instant.now().toString()))
                .post("/api/v1/partner-signals").then().statusCode(202).body("outcome", equalTo("APPLIED"));
        assertEquals(List.of("REVOKED"), api.grantStates(guest.id()));
        assertEquals(List.of("ACTIVE"), api.grantStates(elsewhere.id()));
    }

    @Test
    void aKafkaSignalNamingNobodyIsDeadLetteredAndItsActorIsTheConnectorNotThePayload() {
        kafka.publishRaw(CONNECTOR_TOPIC, "nameless", "{\"homeTenantId\": \"t\", \"homeSubject\": null, \"email\": null, "
                + "\"occurredAt\": \"2026-11-24T13:00:00Z\"}", KafkaTestClient.ceHeaders("nameless-" + System.nanoTime(),
                EventType.PARTNER_ACCOUNT_DISABLED));
        await().atMost(Duration.ofSeconds(15)).until(() -> kafka.readAll(Topic.PARTNER_SIGNALS.deadLetterTopicName(),
                r -> "nameless".equals(r.key())).size() == 1);

        InventoryApi.Guest guest = api.guestWithGrants(resources, 1, SPONSOR);
        kafka.publishTo(CONNECTOR_TOPIC, new PartnerAccountDisabled(guest.homeTenantId(), guest.homeSubject(), null, Instant.now(), null, "ceo@victim.example"));
        await().atMost(Duration.ofSeconds(15)).until(() -> api.grantStates(guest.id()).equals(List.of("REVOKED")));
        api.as(TestTokens.admin()).queryParam("guestId", guest.id()).get("/api/v1/grants").then()
                .body("items[0].revokedBy", equalTo("kafka:" + TestTokens.SIGNAL_CONNECTOR));
    }

    /**
     * A connector's topic names who wrote it (only its principal may, under the broker's ACLs): its word counts only for a
     * partner that names it among its signal clients. Another connector's word about that partner's guest, and a record on
     * partner.signals itself (which names no connector), are dead-lettered with the refusal and change nothing.
     */
    @Test
    void aConnectorSpeaksOnlyForThePartnersThatNameIt() {
        InventoryApi.Guest guest = api.guestWithGrants(resources, 2, SPONSOR);
        String other = Topic.PartnerSignalConnectors.topicOf("another-partners-connector");
        kafka.createTopic(other);
        kafka.publishTo(other, new PartnerAccountDisabled(guest.homeTenantId(), guest.homeSubject(), null, Instant.now(), "hostile", null));
        kafka.publishTo(Topic.PARTNER_SIGNALS.topicName(), new PartnerAccountPurged(guest.homeTenantId(), guest.homeSubject(), null,
                Instant.now(), "hostile", null));

        List<ConsumerRecord<String, String>> refused = await().atMost(Duration.ofSeconds(20)).until(() -> kafka.readAll(
                Topic.PARTNER_SIGNALS.deadLetterTopicName(), r -> r.value().contains(guest.homeSubject())),
                // from both topics (a rebalance, as the new topic is found, may deliver a record again: at least once)
                r -> r.stream().map(d -> KafkaTestClient.header(d, "dead-letter-topic")).distinct().count() == 2);
        ConsumerRecord<String, String> fromOther = refused.stream().filter(r -> other.equals(KafkaTestClient.header(r, "dead-letter-topic")))
                .findFirst().orElseThrow();
        assertTrue(KafkaTestClient.header(fromOther, "dead-letter-reason").contains("kafka:another-partners-connector may not send signals for tenant "
                + guest.homeTenantId()), KafkaTestClient.header(fromOther, "dead-letter-reason"));
        ConsumerRecord<String, String> fromNobody = refused.stream().filter(r -> Topic.PARTNER_SIGNALS.topicName()
                .equals(KafkaTestClient.header(r, "dead-letter-topic"))).findFirst().orElseThrow();
        assertTrue(KafkaTestClient.header(fromNobody, "dead-letter-reason").contains("names no connector"),
                KafkaTestClient.header(fromNobody, "dead-letter-reason"));
        assertEquals(List.of("ACTIVE", "ACTIVE"), api.grantStates(guest.id()));
        api.as(TestTokens.admin()).get("/api/v1/guests/" + guest.id()).then().body("state", equalTo("INVITED"));

        // the partner's own connector is heard, and named as the one who acted
        kafka.publishTo(CONNECTOR_TOPIC, new PartnerAccountDisabled(guest.homeTenantId(), guest.homeSubject(), null, Instant.now(), null, null));
        await().atMost(Duration.ofSeconds(15)).until(() -> api.grantStates(guest.id()).equals(List.of("REVOKED", "REVOKED")));
        api.as(TestTokens.admin()).queryParam("guestId", guest.id()).get("/api/v1/grants").then()
                .body("items.revokedBy", everyItem(equalTo("kafka:" + TestTokens.SIGNAL_CONNECTOR)));
    }

    @Test
    void signalsByOutcomeAndDeadLettersByTopicAreMetrics() {
        InventoryApi.Guest guest = api.guestWithGrants(resources, 1, SPONSOR);
        api.postSignal("ACCOUNT_DISABLED", guest.homeTenantId(), guest.homeSubject(), Instant.now()).then().statusCode(202);
        kafka.publishRaw(CONNECTOR_TOPIC, "metric-poison", "{}",
                KafkaTestClient.ceHeaders("metric-poison-" + System.nanoTime(), EventType.PARTNER_ACCOUNT_DISABLED));
        await().atMost(Duration.ofSeconds(15)).until(() -> !kafka.readAll(Topic.PARTNER_SIGNALS.deadLetterTopicName(),
                r -> "metric-poison".equals(r.key())).isEmpty());

        String metrics = io.restassured.RestAssured.given().baseUri(baseUrl.toString()).get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.matches("(?s).*portcullis_signals_total\\{[^}]*outcome=\"APPLIED\"[^}]*} [1-9].*"), "signals by outcome");
        assertTrue(metrics.matches("(?s).*portcullis_deadletters\\{topic=\"partner.signals.dlq\"} [1-9].*"), metrics.lines().filter(l -> l.startsWith("portcullis_deadletters")).toList().toString());
    }

    /** The one event of this type on inventory.guests for the guest, once the relay has published it. */
    private <T extends dev.portcullis.events.EventPayload> T onlyGuestEvent(InventoryApi.Guest guest, EventType type, Class<T> payload) {
        return EventJson.read(await().atMost(Duration.ofSeconds(10)).until(() -> kafka.readAll(Topic.INVENTORY_GUESTS.topicName(),
                r -> guest.id().equals(r.key()) && type.ceType().equals(KafkaTestClient.header(r, "ce_type"))), r -> r.size() == 1).get(0).value(), payload);
    }

    private List<ConsumerRecord<String, String>> guestEvents(InventoryApi.Guest guest) {
        return kafka.readAll(Topic.INVENTORY_ACCESS.topicName(), r -> guest.id().equals(r.key())
                && EventType.ACCESS_REVOKED.ceType().equals(KafkaTestClient.header(r, "ce_type")))
                .stream().collect(Collectors.collectingAndThen(Collectors.toList(), list -> {
                    list.addAll(kafka.readAll(Topic.INVENTORY_GUESTS.topicName(), r -> guest.id().equals(r.key())
                            && EventType.GUEST_BLOCKED.ceType().equals(KafkaTestClient.header(r, "ce_type"))));
                    return list;
                }));
    }
}

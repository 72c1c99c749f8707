package dev.portcullis.inventory;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portcullis.events.EventJson;
import dev.portcullis.events.EventType;
import dev.portcullis.events.GuestBlocked;
import dev.portcullis.events.PartnerUpserted;
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
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A partner's changes, and blocking it: the org-wide kill switch, guest by guest with each one's events. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
class PartnerLifecycleTest {

    @TestHTTPResource("/")
    URL baseUrl;

    @jakarta.inject.Inject
    io.agroal.api.AgroalDataSource dataSource;

    InventoryApi api;
    KafkaTestClient kafka;

    @BeforeEach
    void setUp() {
        api = new InventoryApi(baseUrl.toString(), TestTokens::admin, TestTokens::signal);
        kafka = new KafkaTestClient(KafkaResource.bootstrapServers());
    }

    @Test
    void blockingAPartnerBlocksEachOfItsGuestsAndUnblockingLiftsOnlyThoseBlocks() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String tenant = "tenant-" + suffix;
        String domain = "org" + suffix + ".com";
        String partner = api.createPartner(tenant, domain);
        List<String> resources = api.twoResources();
        String ann = api.inviteGuest("ann@" + domain, tenant, "ann-" + suffix, List.of("sponsor@example.com"));
        String bob = api.inviteGuest("bob@" + domain, tenant, "bob-" + suffix, List.of("sponsor@example.com"));
        String cy = api.inviteGuest("cy@" + domain, tenant, "cy-" + suffix, List.of("sponsor@example.com"));
        for (String guest : List.of(ann, bob, cy)) {
            api.grant(guest, resources.get(0), "reader");
            api.grant(guest, resources.get(1), "reader");
        }
        // cy was blocked by a partner signal before, which left cy's grant on the GENERAL resource active:
        // the partner's block revokes it, and neither the block nor the unblock touches cy's own block
        api.postSignal("CREDENTIAL_COMPROMISED", tenant, "cy-" + suffix, Instant.now()).then().statusCode(202);
        api.as(TestTokens.admin()).queryParam("guestId", cy).queryParam("state", "ACTIVE").get("/api/v1/grants").then().body("items.size()", equalTo(1));

        api.as(TestTokens.admin()).body(Map.of("state", "BLOCKED")).patch("/api/v1/partners/" + partner).then().statusCode(200)
                .body("state", equalTo("BLOCKED")).body("name", equalTo("Partner " + tenant));
        // the guests follow the partner's state in batches, at once after its commit
        await().atMost(Duration.ofSeconds(10)).until(() -> List.of(ann, bob, cy).stream().allMatch(g -> api.grantStates(g).stream().allMatch("REVOKED"::equals)));
        for (String guest : List.of(ann, bob)) {
            api.as(TestTokens.admin()).get("/api/v1/guests/" + guest).then().body("state", equalTo("BLOCKED"));
            api.as(TestTokens.admin()).queryParam("guestId", guest).get("/api/v1/grants").then()
                    .body("items.state", everyItem(equalTo("REVOKED"))).body("items.revokedReason", everyItem(equalTo("PARTNER_BLOCKED")));
            GuestBlocked blocked = EventJson.read(await().atMost(Duration.ofSeconds(10)).until(() -> kafka.readAll(Topic.INVENTORY_GUESTS.topicName(),
                    r -> guest.equals(r.key()) && EventType.GUEST_BLOCKED.ceType().equals(KafkaTestClient.header(r, "ce_type"))), r -> r.size() == 1)
                    .get(0).value(), GuestBlocked.class);
            assertEquals("PARTNER_BLOCKED", blocked.reason());
            assertEquals(2, blocked.revokedGrants().size());
        }
        api.as(TestTokens.admin()).body(Map.of("email", "dan@" + domain, "displayName", "Dan", "homeTenantId", tenant, "homeSubject", "dan",
                "sponsors", List.of("sponsor@example.com"))).post("/api/v1/guests").then().statusCode(409);

        api.as(TestTokens.admin()).body(Map.of("state", "CONNECTED")).patch("/api/v1/partners/" + partner).then().statusCode(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> "INVITED".equals(api.as(TestTokens.admin()).get("/api/v1/guests/" + bob).then().extract().path("state")));
        api.as(TestTokens.admin()).get("/api/v1/guests/" + ann).then().body("state", equalTo("INVITED"));
        api.as(TestTokens.admin()).get("/api/v1/guests/" + bob).then().body("state", equalTo("INVITED"));
        api.as(TestTokens.admin()).get("/api/v1/guests/" + cy).then().body("state", equalTo("BLOCKED"));
        api.as(TestTokens.admin()).queryParam("guestId", cy).queryParam("state", "REVOKED").get("/api/v1/grants").then()
                .body("items.revokedReason", org.hamcrest.Matchers.containsInAnyOrder("PARTNER_CREDENTIAL_COMPROMISED", "PARTNER_BLOCKED"));
        assertEquals(List.of("REVOKED", "REVOKED"), api.grantStates(ann), "unblocking restores no grant");
    }

    @Test
    void aPartnerBlockedWithFiftyGuestsBlocksEachWithItsOwnEventAndRevokesEveryGrant() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String tenant = "tenant-" + suffix;
        String domain = "fifty" + suffix + ".com";
        String partner = api.createPartner(tenant, domain);
        List<String> resources = api.twoResources();
        List<String> guests = new java.util.ArrayList<>();
        for (int i = 0; i < 50; i++) {
            String guest = api.inviteGuest("g" + i + "@" + domain, tenant, "g" + i + "-" + suffix, List.of("sponsor@example.com"));
            api.grant(guest, resources.get(0), "reader");
            api.grant(guest, resources.get(1), "reader");
            guests.add(guest);
        }

        api.as(TestTokens.admin()).body(Map.of("state", "BLOCKED")).patch("/api/v1/partners/" + partner).then().statusCode(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> api.as(TestTokens.admin()).queryParam("partnerId", partner).queryParam("state", "BLOCKED")
                .queryParam("limit", 500).get("/api/v1/guests").then().extract().path("items.size()").equals(50));
        for (String guest : guests) {
            assertEquals(List.of("REVOKED", "REVOKED"), api.grantStates(guest));
        }
        java.util.Set<String> ours = new java.util.HashSet<>(guests);
        List<String> blockedEvents = await().atMost(Duration.ofSeconds(20)).until(() -> kafka.readAll(Topic.INVENTORY_GUESTS.topicName(),
                r -> ours.contains(r.key()) && EventType.GUEST_BLOCKED.ceType().equals(KafkaTestClient.header(r, "ce_type"))).stream()
                .map(r -> r.key()).toList(), r -> r.size() >= 50);
        assertEquals(ours, new java.util.HashSet<>(blockedEvents), "a guest-blocked for each guest");
        assertEquals(50, blockedEvents.size(), "one guest-blocked per guest");
        long revoked = kafka.readAll(Topic.INVENTORY_ACCESS.topicName(), r -> ours.contains(r.key())
                && EventType.ACCESS_REVOKED.ceType().equals(KafkaTestClient.header(r, "ce_type"))).size();
        assertEquals(100, revoked, "an access-revoked for each of the 100 grants");
    }

    /**
     * A partner of more guests than a pass takes (200): the passes go on from the last guest of the one before, and every guest is
     * blocked once, with one guest-blocked each; then unblocking the partner lifts every one of those blocks the same way. The
     * guests are written straight into the table, as a partner's long-standing guests would be there (invitations over the API
     * would take most of the test).
     */
    @Test
    void aPartnerOfMoreGuestsThanAPassTakesIsEnforcedOnEveryGuestOnce() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String tenant = "tenant-" + suffix;
        String partner = api.createPartner(tenant, "many" + suffix + ".com");
        int count = 450;
        try (java.sql.Connection c = dataSource.getConnection(); java.sql.PreparedStatement insert = c.prepareStatement(
                "insert into guest (id, email, display_name, home_tenant_id, home_subject, partner_id, state, invited_by, created_at, modified_at)"
                + " select gen_random_uuid(), 'g' || i || '@many" + suffix + ".com', 'Guest ' || i, ?, 'sub-' || i, cast(? as uuid), 'ACTIVE', 'test',"
                + " now(), now() from generate_series(1, " + count + ") i")) {
            insert.setString(1, tenant);
            insert.setString(2, partner);
            assertEquals(count, insert.executeUpdate());
        }

        api.as(TestTokens.admin()).body(Map.of("state", "BLOCKED")).patch("/api/v1/partners/" + partner).then().statusCode(200);
        java.util.function.Function<EventType, List<String>> keysOf = type -> kafka.readAll(Topic.INVENTORY_GUESTS.topicName(),
                r -> type.ceType().equals(KafkaTestClient.header(r, "ce_type")) && r.value().contains("partner:" + partner)).stream().map(r -> r.key()).toList();
        List<String> blocked = await().atMost(Duration.ofSeconds(60)).until(() -> keysOf.apply(EventType.GUEST_BLOCKED), r -> r.size() >= count);
        assertEquals(count, new java.util.HashSet<>(blocked).size(), "every guest blocked");
        assertEquals(count, blocked.size(), "once each");

        api.as(TestTokens.admin()).body(Map.of("state", "CONNECTED")).patch("/api/v1/partners/" + partner).then().statusCode(200);
        List<String> unblocked = await().atMost(Duration.ofSeconds(60)).until(() -> keysOf.apply(EventType.GUEST_UNBLOCKED), r -> r.size() >= count);
        assertEquals(new java.util.HashSet<>(blocked), new java.util.HashSet<>(unblocked), "every block lifted");
        assertEquals(count, unblocked.size(), "once each");
    }

    @Test
    void aPatchChangesOnlyWhatItNamesAndRefusesADomainOfAnotherPartner() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String partner = api.createPartner("t1-" + suffix, "one" + suffix + ".com");
        api.createPartner("t2-" + suffix, "two" + suffix + ".com");

        api.as(TestTokens.admin()).body(Map.of("name", "Renamed", "domains", List.of("one" + suffix + ".com", "uno" + suffix + ".com")))
                .patch("/api/v1/partners/" + partner).then().statusCode(200).body("name", equalTo("Renamed"))
                .body("domains.size()", equalTo(2)).body("state", equalTo("CONNECTED")).body("tenantId", equalTo("t1-" + suffix));
        api.as(TestTokens.admin()).body(Map.of("domains", List.of("two" + suffix + ".com"))).patch("/api/v1/partners/" + partner).then()
                .statusCode(409);
        api.as(TestTokens.admin()).body(Map.of("domains", List.of("not a domain"))).patch("/api/v1/partners/" + partner).then().statusCode(400)
                .body("errors[0].field", org.hamcrest.Matchers.containsString("domains"));
        api.as(TestTokens.admin()).body(Map.of("state", "SHUT")).patch("/api/v1/partners/" + partner).then().statusCode(400);
        api.as(TestTokens.admin()).get("/api/v1/partners/" + partner).then().body("name", equalTo("Renamed")).body("domains.size()", equalTo(2));
        api.as(TestTokens.admin()).body(Map.of("name", "x")).patch("/api/v1/partners/" + UUID.randomUUID()).then().statusCode(404);

        // each change that was made is announced, for the other services' copy; the refused ones are not
        List<PartnerUpserted> announced = await().atMost(Duration.ofSeconds(10)).until(() -> kafka.readAll(Topic.INVENTORY_PARTNERS.topicName(),
                r -> partner.equals(r.key())), r -> r.size() >= 2).stream().map(r -> EventJson.read(r.value(), PartnerUpserted.class)).toList();
        assertEquals(List.of("one" + suffix + ".com"), announced.get(0).domains());
        assertEquals("Renamed", announced.get(1).name());
        assertEquals(List.of("one" + suffix + ".com", "uno" + suffix + ".com"), announced.get(1).domains().stream().sorted().toList());
        assertEquals("CONNECTED", announced.get(1).state());
        assertEquals(2, kafka.readAll(Topic.INVENTORY_PARTNERS.topicName(), r -> partner.equals(r.key())).size());
    }
}

package dev.portcullis.inventory;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.events.EventJson;
import dev.portcullis.events.EventType;
import dev.portcullis.events.GuestSignedIn;
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
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Sign-in activity: time only moves forward, the first sign-in activates, events are aggregated, inactivity is filterable. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
class SignInActivityTest {

    @TestHTTPResource("/")
    URL baseUrl;

    InventoryApi api;
    KafkaTestClient kafka;
    String suffix;
    String tenant;
    String domain;
    String partner;

    @BeforeEach
    void setUp() {
        api = new InventoryApi(baseUrl.toString(), TestTokens::admin, TestTokens::signal);
        kafka = new KafkaTestClient(KafkaResource.bootstrapServers());
        suffix = UUID.randomUUID().toString().substring(0, 8);
        tenant = "tenant-" + suffix;
        domain = "org" + suffix + ".com";
        partner = api.createPartner(tenant, domain);
    }

    @Test
    void theFirstSignInActivatesAndAnOlderOneNeverMovesTimeBack() {
        String ann = api.inviteGuest("ann@" + domain, tenant, "ann-" + suffix, List.of("sponsor@example.com"));
        Instant twoHoursAgo = Instant.now().minus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);

        postSignIns(List.of(Map.of("guestId", ann, "at", twoHoursAgo.toString()))).then().statusCode(200)
                .body("guestsUpdated", equalTo(1)).body("activated", equalTo(1));
        api.as(TestTokens.admin()).get("/api/v1/guests/" + ann).then()
                .body("state", equalTo("ACTIVE")).body("lastSignInAt", equalTo(twoHoursAgo.toString()));
        // the activation goes out at once (the publisher's next pass)
        await().atMost(Duration.ofSeconds(10)).until(() -> kafka.readAll(Topic.INVENTORY_GUESTS.topicName(), r -> ann.equals(r.key())
                && EventType.GUEST_SIGNED_IN.ceType().equals(KafkaTestClient.header(r, "ce_type"))), r -> r.size() == 1);

        // an older record, by home identity this time: nothing moves
        postSignIns(List.of(Map.of("homeTenantId", tenant, "homeSubject", "ann-" + suffix, "at", twoHoursAgo.minus(3, ChronoUnit.DAYS).toString())))
                .then().statusCode(200).body("guestsUpdated", equalTo(0)).body("unmatched.size()", equalTo(0));
        api.as(TestTokens.admin()).get("/api/v1/guests/" + ann).then().body("lastSignInAt", equalTo(twoHoursAgo.toString()));

        // a newer one moves it, but inside the publish interval no second event goes out
        Instant oneHourAgo = twoHoursAgo.plus(1, ChronoUnit.HOURS);
        postSignIns(List.of(Map.of("guestId", ann, "at", oneHourAgo.toString()), Map.of("guestId", ann, "at", twoHoursAgo.toString())))
                .then().statusCode(200).body("guestsUpdated", equalTo(1)).body("activated", equalTo(0));
        api.as(TestTokens.admin()).get("/api/v1/guests/" + ann).then().body("lastSignInAt", equalTo(oneHourAgo.toString()));

        // a later event of the same guest marks the end of the partition's story for ann
        api.as(TestTokens.admin()).body(Map.of("reason", "test")).post("/api/v1/guests/" + ann + "/block").then().statusCode(200);
        List<ConsumerRecord<String, String>> events = await().atMost(Duration.ofSeconds(10)).until(() -> kafka.readAll(Topic.INVENTORY_GUESTS.topicName(),
                r -> ann.equals(r.key())), r -> r.stream().anyMatch(e -> EventType.GUEST_BLOCKED.ceType().equals(KafkaTestClient.header(e, "ce_type"))));
        List<GuestSignedIn> signedIn = events.stream().filter(e -> EventType.GUEST_SIGNED_IN.ceType().equals(KafkaTestClient.header(e, "ce_type")))
                .map(e -> EventJson.read(e.value(), GuestSignedIn.class)).toList();
        assertEquals(1, signedIn.size(), "one aggregated guest-signed-in");
        assertTrue(signedIn.get(0).activated());
        assertEquals(twoHoursAgo, signedIn.get(0).lastSignInAt());
        assertEquals("ACTIVE", signedIn.get(0).state());
    }

    @Test
    void recordsThatNameNobodyAreReportedAndTheRestApply() {
        String bob = api.inviteGuest("bob@" + domain, tenant, "bob-" + suffix, List.of("sponsor@example.com"));
        String removed = api.inviteGuest("gone@" + domain, tenant, "gone-" + suffix, List.of("sponsor@example.com"));
        api.as(TestTokens.admin()).body(Map.of("reason", "left")).delete("/api/v1/guests/" + removed).then().statusCode(200);
        String at = Instant.now().minusSeconds(60).toString();

        postSignIns(List.of(
                Map.of("guestId", UUID.randomUUID().toString(), "at", at),
                Map.of("homeTenantId", tenant, "homeSubject", "bob-" + suffix, "at", at),
                Map.of("homeTenantId", tenant, "homeSubject", "nobody", "at", at),
                Map.of("guestId", removed, "at", at)))
                .then().statusCode(200).body("records", equalTo(4)).body("guestsUpdated", equalTo(1))
                .body("unmatched.index", equalTo(List.of(0, 2, 3)));
        api.as(TestTokens.admin()).get("/api/v1/guests/" + bob).then().body("state", equalTo("ACTIVE"));
        api.as(TestTokens.admin()).get("/api/v1/guests/" + removed).then().body("state", equalTo("REMOVED")).body("lastSignInAt", equalTo(null));
    }

    @Test
    void aBadRecordIsA400NamingItAndNothingOfTheBatchApplies() {
        String cy = api.inviteGuest("cy@" + domain, tenant, "cy-" + suffix, List.of("sponsor@example.com"));
        String past = Instant.now().minusSeconds(60).toString();

        postSignIns(List.of(Map.of("guestId", cy, "at", past), Map.of("guestId", cy, "at", Instant.now().plus(1, ChronoUnit.HOURS).toString())))
                .then().statusCode(400).body("errors[0].field", equalTo("records[1].at"));
        postSignIns(List.of(Map.of("guestId", cy, "at", past), Map.of("homeTenantId", tenant, "at", past)))
                .then().statusCode(400).body("errors[0].field", equalTo("records[1]"));
        postSignIns(List.of(Map.of("guestId", cy))).then().statusCode(400).body("errors[0].field", equalTo("records[0].at"));
        postSignIns(List.of()).then().statusCode(400).body("errors[0].field", equalTo("records"));
        List<Map<String, String>> tooMany = new ArrayList<>();
        for (int i = 0; i < 10_001; i++) {
            tooMany.add(Map.of("guestId", cy, "at", past));
        }
        postSignIns(tooMany).then().statusCode(400).body("errors[0].field", equalTo("records"));
        api.as(TestTokens.admin()).get("/api/v1/guests/" + cy).then().body("state", equalTo("INVITED")).body("lastSignInAt", equalTo(null));
    }

    @Test
    void inactiveDaysCountsFromTheLatestSignInOrFromCreation() {
        String recent = api.inviteGuest("recent@" + domain, tenant, "recent-" + suffix, List.of("sponsor@example.com"));
        String dormant = api.inviteGuest("dormant@" + domain, tenant, "dormant-" + suffix, List.of("sponsor@example.com"));
        String neverSignedIn = api.inviteGuest("new@" + domain, tenant, "new-" + suffix, List.of("sponsor@example.com"));
        postSignIns(List.of(Map.of("guestId", recent, "at", Instant.now().minus(3, ChronoUnit.DAYS).toString()),
                Map.of("guestId", dormant, "at", Instant.now().minus(120, ChronoUnit.DAYS).toString()))).then().statusCode(200);

        api.as(TestTokens.admin()).queryParam("partnerId", partner).queryParam("inactiveDays", 90).get("/api/v1/guests").then().statusCode(200)
                .body("items.id", equalTo(List.of(dormant)));
        api.as(TestTokens.admin()).queryParam("partnerId", partner).queryParam("inactiveDays", 2).get("/api/v1/guests").then()
                .body("items.size()", equalTo(2)).body("items.id", hasItem(recent)).body("items.id", not(hasItem(neverSignedIn)));
        api.as(TestTokens.admin()).queryParam("inactiveDays", 0).get("/api/v1/guests").then().statusCode(400)
                .body("errors[0].field", equalTo("inactiveDays"));
        api.as(TestTokens.admin()).queryParam("partnerId", partner).queryParam("sponsor", "none").get("/api/v1/guests").then().statusCode(200)
                .body("items.size()", equalTo(0));
    }

    @jakarta.inject.Inject
    javax.sql.DataSource dataSource;

    /**
     * The publisher's writes hold nothing the ingest waits for: while a transaction holds what a publisher pass writes for a guest
     * (its told sign-ins deleted, what it told recorded), a batch with that guest's next sign-in applies at once. They once both
     * updated the guest's row, and each batch waited for the publisher's pass.
     */
    @Test
    void aSignInBatchNeverWaitsForThePublisherTellingTheSameGuest() throws Exception {
        String cat = api.inviteGuest("cat@" + domain, tenant, "cat-" + suffix, List.of("sponsor@example.com"));
        Instant first = Instant.now().minus(3, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        java.util.concurrent.ExecutorService poster = java.util.concurrent.Executors.newSingleThreadExecutor();
        try (java.sql.Connection publisher = dataSource.getConnection()) {
            publisher.setAutoCommit(false);
            try (java.sql.Statement pass = publisher.createStatement()) {
                // a pass's writes for a guest it tells for the first time: its record of what it told checks the guest's key
                pass.executeUpdate("delete from sign_in_pending where guest_id = '" + cat + "'");
                pass.executeUpdate("insert into sign_in_published (guest_id, signed_in_at, published_at) values ('" + cat + "', '" + first + "', now())");
            }
            java.util.concurrent.Future<Integer> batch = poster.submit(() -> postSignIns(List.of(Map.of("guestId", cat, "at", first.toString())))
                    .then().statusCode(200).extract().<Integer>path("guestsUpdated"));
            assertEquals(1, batch.get(20, java.util.concurrent.TimeUnit.SECONDS), "applied while the publisher's transaction is open");
            publisher.rollback();
        } finally {
            poster.shutdownNow();
        }
        api.as(TestTokens.admin()).get("/api/v1/guests/" + cat).then().body("state", equalTo("ACTIVE")).body("lastSignInAt", equalTo(first.toString()));
        // and the activation is told
        await().atMost(Duration.ofSeconds(10)).until(() -> kafka.readAll(Topic.INVENTORY_GUESTS.topicName(), r -> cat.equals(r.key())
                && EventType.GUEST_SIGNED_IN.ceType().equals(KafkaTestClient.header(r, "ce_type"))), r -> r.size() == 1);
    }

    private io.restassured.response.Response postSignIns(List<Map<String, String>> records) {
        return api.as(TestTokens.admin()).body(Map.of("records", records)).post("/api/v1/sign-ins");
    }
}

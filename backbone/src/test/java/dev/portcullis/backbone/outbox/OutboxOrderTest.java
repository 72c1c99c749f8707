package dev.portcullis.backbone.outbox;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.events.AccessGranted;
import dev.portcullis.events.AccessRevoked;
import dev.portcullis.events.EventJson;
import dev.portcullis.events.EventType;
import dev.portcullis.events.GuestSignedIn;
import dev.portcullis.events.RevocationReason;
import dev.portcullis.events.Topic;
import dev.portcullis.testsupport.KafkaResource;
import dev.portcullis.testsupport.KafkaTestClient;
import dev.portcullis.testsupport.PostgresResource;
import dev.portcullis.testsupport.TestTokens;
import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import jakarta.inject.Inject;
import java.net.URL;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The relay keeps a key's events in the order their transactions committed, not in id order, even
 * when another instance wrote with ids from an older block; and a row Kafka refuses is parked
 * without holding back anyone else. The "other instance" is played by this test on its own JDBC
 * connection, doing what {@code Outbox.publish} does there. The events are inventory's, published by backbone's test
 * application through the outbox as any service's would be.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
class OutboxOrderTest {

    @TestHTTPResource("/")
    URL baseUrl;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    OutboxRelay relay;

    @Inject
    Outbox outbox;

    KafkaTestClient kafka;

    @BeforeEach
    void setUp() {
        kafka = new KafkaTestClient(KafkaResource.bootstrapServers());
    }

    /** An access-granted for {@code guest}, committed through the outbox in a transaction of its own; returns the grant's id. */
    private String grant(String guest, String resource) {
        String grant = UUID.randomUUID().toString();
        QuarkusTransaction.requiringNew().run(() -> outbox.publish(new AccessGranted(grant, guest, resource, "reader", Instant.now(), null,
                "admin", "project work", null)));
        return grant;
    }

    @Test
    void aKeysEventsReachKafkaInCommitOrderWhateverTheirIds() throws Exception {
        String resource = UUID.randomUUID().toString();
        String guest = UUID.randomUUID().toString();
        try (Connection otherInstance = dataSource.getConnection(); Connection leaseThief = dataSource.getConnection()) {
            // the other instance took its block of ids before this one took its next
            long olderId = single(otherInstance, "select nextval('outbox_event_seq')");
            stealTheRelayLease(leaseThief);

            // this instance commits first: access-granted, with ids from a newer block
            String grant = grant(guest, resource);
            // then the other instance commits an event for the same guest, with its older, smaller id
            otherInstance.setAutoCommit(false);
            long keySeq = single(otherInstance, "insert into outbox_key (record_key, last_seq) values ('" + guest + "', 1)"
                    + " on conflict (record_key) do update set last_seq = outbox_key.last_seq + 1 returning last_seq");
            AccessRevoked later = new AccessRevoked(grant, guest, resource, "Ordered", List.of("o@example.com"), "reader",
                    RevocationReason.MANUAL, null, Instant.now(), "other-instance");
            insertRow(otherInstance, olderId, guest, keySeq, EventJson.write(later), "access-revoked by the other instance");
            otherInstance.commit();

            // the relay takes its lease back and finds both rows unpublished
            single(leaseThief, "select case when pg_advisory_unlock(hashtextextended('portcullis-outbox-relay', 0)) then 1 else 0 end");
        }

        List<ConsumerRecord<String, String>> events = await().atMost(Duration.ofSeconds(20)).until(
                () -> kafka.readAll(Topic.INVENTORY_ACCESS.topicName(), r -> guest.equals(r.key())), r -> r.size() == 2);
        assertEquals(List.of(EventType.ACCESS_GRANTED.ceType(), EventType.ACCESS_REVOKED.ceType()),
                events.stream().map(r -> KafkaTestClient.header(r, "ce_type")).toList(), "commit order, not id order");
        assertTrue(events.get(0).offset() < events.get(1).offset());
    }

    /**
     * A backlog longer than a batch: a key's first event in commit order has an id past the first 500 pending rows, while its second
     * has one of the smallest. The relay picks its keys among the first rows by id, and must still publish the key's rows in commit
     * order, the far one first.
     */
    @Test
    void aKeysEventsKeepTheirOrderBehindABacklogLongerThanABatch() throws Exception {
        String guest = UUID.randomUUID().toString();
        String resource = UUID.randomUUID().toString();
        try (Connection otherInstance = dataSource.getConnection(); Connection leaseThief = dataSource.getConnection()) {
            stealTheRelayLease(leaseThief);
            long smallId = single(otherInstance, "select nextval('outbox_event_seq')");
            insertRow(otherInstance, smallId, guest, 2, EventJson.write(revoked("second", guest, resource)), "the key's second event, small id");
            for (int i = 0; i < 600; i++) {
                String other = UUID.randomUUID().toString();
                insertRow(otherInstance, single(otherInstance, "select nextval('outbox_event_seq')"), other, 1,
                        EventJson.write(revoked("backlog", other, resource)), "the backlog");
            }
            insertRow(otherInstance, single(otherInstance, "select nextval('outbox_event_seq')"), guest, 1,
                    EventJson.write(revoked("first", guest, resource)), "the key's first event, past the first batch's ids");
            single(leaseThief, "select case when pg_advisory_unlock(hashtextextended('portcullis-outbox-relay', 0)) then 1 else 0 end");
        }

        List<ConsumerRecord<String, String>> events = await().atMost(Duration.ofSeconds(30)).until(
                () -> kafka.readAll(Topic.INVENTORY_ACCESS.topicName(), r -> guest.equals(r.key())), r -> r.size() == 2);
        assertEquals(List.of("first", "second"), events.stream().map(r -> EventJson.read(r.value(), AccessRevoked.class).grantId()).toList(),
                "the key's order, not its ids'");
    }

    private static AccessRevoked revoked(String grantId, String guest, String resource) {
        return new AccessRevoked(grantId, guest, resource, "Ordered", List.of("o@example.com"), "reader", RevocationReason.MANUAL, null,
                Instant.now(), "other-instance");
    }

    @Test
    void aRelayThatTakesOverDoesNotPublishAgainWhatItsPredecessorCommittedWithoutMarking() throws Exception {
        String first = UUID.randomUUID().toString();
        String second = UUID.randomUUID().toString();
        String guest = UUID.randomUUID().toString();
        try (Connection leaseThief = dataSource.getConnection()) {
            stealTheRelayLease(leaseThief);
            grant(guest, first);
            grant(guest, second);
            // the relay that held the lease got the first access-granted into a Kafka commit, and was
            // killed before it marked the row: on Kafka, still pending in the database
            List<String[]> pending = new java.util.ArrayList<>();
            try (PreparedStatement s = leaseThief.prepareStatement("select event_id, ce_type, payload from outbox_event"
                    + " where record_key = ? and topic = ? and published_at is null order by key_seq, id")) {
                s.setString(1, guest);
                s.setString(2, Topic.INVENTORY_ACCESS.topicName());
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        pending.add(new String[] {r.getString(1), r.getString(2), r.getString(3)});
                    }
                }
            }
            assertEquals(2, pending.size(), "both access-granted wait for the relay");
            String[] committed = pending.get(0);
            kafka.publishRaw(Topic.INVENTORY_ACCESS.topicName(), guest, committed[2],
                    KafkaTestClient.ceHeaders(committed[0], EventType.ACCESS_GRANTED));

            single(leaseThief, "select case when pg_advisory_unlock(hashtextextended('portcullis-outbox-relay', 0)) then 1 else 0 end");
            await().atMost(Duration.ofSeconds(20)).until(() -> single(leaseThief,
                    "select count(*) from outbox_event where record_key = '" + guest + "' and published_at is null") == 0);
            List<String> onTopic = kafka.readAll(Topic.INVENTORY_ACCESS.topicName(), r -> guest.equals(r.key())).stream()
                    .map(r -> KafkaTestClient.header(r, "ce_id")).toList();
            assertEquals(List.of(committed[0], pending.get(1)[0]), onTopic, "each event once, in order: the first not sent again");
        }
    }

    @Test
    void aRowKafkaRefusesIsParkedAndHoldsBackNoOtherKey() throws Exception {
        String bigKey = UUID.randomUUID().toString();
        try (Connection c = dataSource.getConnection()) {
            long id = single(c, "select nextval('outbox_event_seq')");
            // 2 MB: over the producer's max.request.size, so Kafka will never take it
            insertRow(c, id, bigKey, 1, "{\"padding\": \"" + "x".repeat(2_000_000) + "\"}", "too large");
        }
        String guest = UUID.randomUUID().toString();
        grant(guest, UUID.randomUUID().toString());

        await().atMost(Duration.ofSeconds(20)).until(() -> kafka.readAll(Topic.INVENTORY_ACCESS.topicName(), r -> guest.equals(r.key())).size() == 1);
        String parkedReason = await().atMost(Duration.ofSeconds(20)).until(() -> {
            try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                    "select last_error from outbox_event where record_key = ? and parked_at is not null and published_at is null")) {
                s.setString(1, bigKey);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? r.getString(1) : null;
                }
            }
        }, reason -> reason != null);
        assertTrue(parkedReason.contains("RecordTooLarge"), parkedReason);
        io.restassured.RestAssured.given().baseUri(baseUrl.toString()).auth().oauth2(TestTokens.admin()).get("/api/v1/admin/outbox/parked").then().statusCode(200)
                .body("find { it.key == '" + bigKey + "' }.error", org.hamcrest.Matchers.containsString("RecordTooLarge"))
                .body("find { it.key == '" + bigKey + "' }.payloadLength", org.hamcrest.Matchers.greaterThan(2_000_000));
        io.restassured.RestAssured.given().baseUri(baseUrl.toString()).auth().oauth2(TestTokens.admin()).post("/api/v1/admin/outbox/parked/999999999/retry").then().statusCode(404);
        long parkedRows;
        try (Connection c = dataSource.getConnection()) {
            parkedRows = single(c, "select count(*) from outbox_event where parked_at is not null and published_at is null");
        }
        io.restassured.RestAssured.given().baseUri(baseUrl.toString()).get("/q/metrics").then().statusCode(200)
                .body(org.hamcrest.Matchers.containsString("portcullis_outbox_parked_rows " + parkedRows + ".0"));
        // an admin's retry: the row goes again (and is parked again, still too large); the SOC's feed tells who retried it
        Map<String, Object> row = io.restassured.RestAssured.given().baseUri(baseUrl.toString()).auth().oauth2(TestTokens.admin())
                .get("/api/v1/admin/outbox/parked").then().extract().path("find { it.key == '" + bigKey + "' }");
        String parked = (String) row.get("eventId");
        long rowId = ((Number) row.get("id")).longValue();
        io.restassured.RestAssured.given().baseUri(baseUrl.toString()).auth().oauth2(TestTokens.admin()).post("/api/v1/admin/outbox/parked/" + rowId + "/retry")
                .then().statusCode(200);
        com.fasterxml.jackson.databind.JsonNode retried = await().atMost(Duration.ofSeconds(20)).until(() -> kafka.ocsfRecords(parked), f -> !f.isEmpty()).get(0);
        assertEquals("dev.portcullis.admin.parked-event-retried", retried.at("/metadata/event_code").asText());
        assertEquals(Topic.INVENTORY_ACCESS.topicName(), retried.at("/entity/data/topic").asText());
        assertTrue(retried.at("/entity/data/error").asText().contains("RecordTooLarge"));
    }

    @Test
    void keysReservedTogetherTakeTheSameNumbersAsKeysTakenOneByOne() throws Exception {
        String earlier = UUID.randomUUID().toString();
        String fresh = UUID.randomUUID().toString();
        QuarkusTransaction.requiringNew().run(() -> outbox.publish(signedIn(earlier)));
        // one statement for both keys (one named twice): the key seen before goes on to 2, the new one starts at 1
        QuarkusTransaction.requiringNew().run(() -> {
            outbox.reserveKeys(List.of(fresh, earlier, earlier));
            outbox.publish(signedIn(earlier));
            outbox.publish(signedIn(fresh));
            outbox.publish(signedIn(fresh));
        });
        try (Connection c = dataSource.getConnection()) {
            assertEquals(1, single(c, "select count(*) from outbox_event where record_key = '" + earlier + "' and key_seq = 1"));
            assertEquals(1, single(c, "select count(*) from outbox_event where record_key = '" + earlier + "' and key_seq = 2"));
            assertEquals(2, single(c, "select count(*) from outbox_event where record_key = '" + fresh + "' and key_seq = 1"));
            assertEquals(2, single(c, "select last_seq from outbox_key where record_key = '" + earlier + "'"));
        }
    }

    private static GuestSignedIn signedIn(String guestId) {
        return new GuestSignedIn(guestId, Instant.now(), "ACTIVE", false, Instant.now());
    }

    /** Takes the relay's advisory lock from under it: ends the relay's lease session and holds the lock on {@code thief}. */
    private void stealTheRelayLease(Connection thief) throws SQLException {
        await().atMost(Duration.ofSeconds(10)).until(relay::active);
        single(thief, "select count(pg_terminate_backend(l.pid)) from pg_locks l where l.locktype = 'advisory' and l.pid <> pg_backend_pid()"
                + " and l.database = (select oid from pg_database where datname = current_database())");
        await().atMost(Duration.ofSeconds(10)).until(() -> single(thief,
                "select case when pg_try_advisory_lock(hashtextextended('portcullis-outbox-relay', 0)) then 1 else 0 end") == 1);
        // the relay has noticed: nothing this instance commits now is published until the lease is back
        await().atMost(Duration.ofSeconds(10)).until(() -> !relay.active());
    }

    /**
     * A pass reads about a batch of rows, not the backlog, even when the planner believes the queue is empty: statistics taken
     * while it was (as autovacuum takes them between two bursts) once made a pass rescan every pending row for each key (18 s
     * behind a partner's block of 100,000 events). 5,000 pending rows of 1,000 keys, uncommitted on the test's own connection
     * (the relay does not see them), under statistics of an empty queue: the plan's reads of the outbox are counted.
     */
    @Test
    void aPassReadsABatchNotTheBacklogWhateverTheStatisticsSay() throws Exception {
        try (Connection c = dataSource.getConnection()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> single(c, "select count(*) from outbox_event where published_at is null and parked_at is null") == 0);
            try (PreparedStatement analyze = c.prepareStatement("analyze outbox_event")) {
                analyze.execute();
            }
            c.setAutoCommit(false);
            try (PreparedStatement backlog = c.prepareStatement("insert into outbox_event (id, event_id, topic, record_key, key_seq, ce_type, occurred_at, payload)"
                    + " select nextval('outbox_event_seq'), gen_random_uuid(), ?, 'backlog-' || (i % 1000), i, ?, now(), '{}' from generate_series(1, 5000) i")) {
                backlog.setString(1, Topic.INVENTORY_ACCESS.topicName());
                backlog.setString(2, EventType.ACCESS_REVOKED.ceType());
                assertEquals(5000, backlog.executeUpdate());
            }
            String plan;
            try (PreparedStatement explain = c.prepareStatement("explain (analyze, format json) " + OutboxRelay.PENDING); ResultSet r = explain.executeQuery()) {
                r.next();
                plan = r.getString(1);
            }
            c.rollback();
            long read = rowsRead(EventJson.mapper().readTree(plan).get(0).get("Plan"));
            // the first 500 pending rows by id, and the five rows of each of their (up to) 500 keys
            assertTrue(read <= 500 + 500 * 5, "a pass read " + read + " outbox rows for a batch of 500: " + plan);
        }
    }

    /**
     * The relay's query is planned at each pass, never kept as a prepared statement's plan: one planned while the outbox was empty (a
     * new platform) read the whole table for each key of a batch, 15-20 s a pass behind 30,000 events, until autovacuum analyzed it.
     * The driver prepares a statement on the server from its fifth execution: the same query prepared as usual is, the relay's is not.
     */
    @Test
    void thePassQueryIsNeverAPreparedStatementWhosePlanOutlivesTheOutboxsSize() throws Exception {
        try (Connection usualSession = dataSource.getConnection(); Connection relaySession = dataSource.getConnection()) {
            for (int i = 0; i < 10; i++) {
                try (PreparedStatement usual = usualSession.prepareStatement(OutboxRelay.PENDING); ResultSet r = usual.executeQuery()) {
                    r.next();
                }
                try (PreparedStatement relays = OutboxRelay.pendingStatement(relaySession); ResultSet r = relays.executeQuery()) {
                    r.next();
                }
            }
            assertEquals(1, preparedPendingQueries(usualSession), "the same query, prepared as usual, is kept with its plan");
            assertEquals(0, preparedPendingQueries(relaySession));
        }
    }

    private static long preparedPendingQueries(Connection c) throws SQLException {
        return single(c, "select count(*) from pg_prepared_statements where statement like '%pending_keys%' and statement not like '%pg_prepared_statements%'");
    }

    /** The relay reads pending rows only with ids > 0 (its index says so): the database refuses any other, rather than leave it unpublished. */
    @Test
    void aPendingRowWithAnIdTheRelayWouldNeverReadIsRefused() throws Exception {
        try (Connection c = dataSource.getConnection()) {
            SQLException refused = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class,
                    () -> insertRow(c, 0, UUID.randomUUID().toString(), 1, "{}", "a pending row with id 0"));
            assertTrue(refused.getMessage().contains("outbox_event_pending_id_positive"), refused.getMessage());
        }
    }

    /** The rows a plan's scans of outbox_event produced or filtered out, over all their loops. */
    private static long rowsRead(com.fasterxml.jackson.databind.JsonNode node) {
        long read = "outbox_event".equals(node.path("Relation Name").asText())
                ? (node.path("Actual Rows").asLong() + node.path("Rows Removed by Filter").asLong()) * node.path("Actual Loops").asLong(1) : 0;
        for (com.fasterxml.jackson.databind.JsonNode child : node.path("Plans")) {
            read += rowsRead(child);
        }
        return read;
    }

    private static void insertRow(Connection c, long id, String key, long keySeq, String payload, String what) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("insert into outbox_event (id, event_id, topic, record_key, key_seq, ce_type, occurred_at, payload)"
                + " values (?, ?, ?, ?, ?, ?, now(), ?)")) {
            s.setLong(1, id);
            s.setObject(2, UUID.randomUUID());
            s.setString(3, Topic.INVENTORY_ACCESS.topicName());
            s.setString(4, key);
            s.setLong(5, keySeq);
            s.setString(6, EventType.ACCESS_REVOKED.ceType());
            s.setString(7, payload);
            assertEquals(1, s.executeUpdate(), what);
        }
    }

    private static long single(Connection c, String sql) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql); ResultSet r = s.executeQuery()) {
            r.next();
            return r.getLong(1);
        }
    }
}

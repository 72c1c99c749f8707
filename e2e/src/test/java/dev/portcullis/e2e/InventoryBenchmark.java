package dev.portcullis.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portcullis.events.EventJson;
import dev.portcullis.events.EventType;
import dev.portcullis.testsupport.InventoryApi;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Not a test (its name keeps it out of {@code mvn verify}): inventory-service at scale on the running platform (two instances of
 * every service, each its own process), 100,000 guests and 500,000 grants seeded by SQL into inventory's database, then the four
 * figures of the inventory issue — the inactive-guest list, sign-in ingestion, a 100,000-row import, and blocking a partner with
 * 10,000 guests until the last access-revoked is on Kafka. The seeded guests made no events, so the other services do not know
 * them; the import's and the kill switch's events reach them all, as in production.
 * <p>
 * Run with the lifecycle jobs off ({@code PORTCULLIS_INVENTORY_LIFECYCLE_EVERY=off} in the environment, which up.sh hands to the
 * services): 55,000 of the seeded guests have not signed in for 90 days, and the inactivity job would be blocking them while the
 * figures are taken. See docs/benchmarks.md; {@code -Dbenchmark.steps=list,sign-ins} stops after those.
 */
@ExtendWith(Platform.class)
class InventoryBenchmark {

    private static final int GUESTS = 100_000;
    private static final int GRANTS = 500_000;
    private static final int RESOURCES = 1_000;
    private static final int PARTNERS = 10;
    /** The steps to run, in their order (all four unless given); each can run without the others, e.g. the kill switch on a quiet platform. */
    private static final List<String> STEPS = List.of(System.getProperty("benchmark.steps", "list,sign-ins,import,kill-switch").split(","));

    private final Platform platform = Platform.get();
    private final Supplier<String> admin = platform.freshUserToken("admin");
    private final String inventory = platform.urls("inventory").get(0);
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void run() throws Exception {
        if (!"off".equals(System.getenv("PORTCULLIS_INVENTORY_LIFECYCLE_EVERY"))) {
            throw new IllegalStateException("run with PORTCULLIS_INVENTORY_LIFECYCLE_EVERY=off: the inactivity job would block the seeded guests"
                    + " while the figures are taken");
        }
        InventoryApi api = new InventoryApi(inventory, admin, platform.freshSignalToken());
        long seeding = System.nanoTime();
        // ten partners of 10,000 guests each, every guest with 5 grants; partner 0 is the kill switch's
        sql("insert into partner (id, name, tenant_id, state, created_at) select md5('p' || i)::uuid, 'bench partner ' || i,"
                + " 'bench-tenant-' || i, 'CONNECTED', now() from generate_series(0, " + (PARTNERS - 1) + ") i",
                "insert into partner_domain (partner_id, domain) select md5('p' || i)::uuid, 'bench' || i || '.example'"
                + " from generate_series(0, " + (PARTNERS - 1) + ") i",
                "insert into resource (id, name, type, sensitivity, scenario_id, created_at) select md5('r' || i)::uuid,"
                + " 'bench resource ' || i, 'APPLICATION', (array['PUBLIC','GENERAL','CONFIDENTIAL','HIGHLY_CONFIDENTIAL'])[1 + i % 4], null, now()"
                + " from generate_series(0, " + (RESOURCES - 1) + ") i",
                "insert into resource_owner (resource_id, email) select md5('r' || i)::uuid, 'owner' || (i % 50) || '@corp.example'"
                + " from generate_series(0, " + (RESOURCES - 1) + ") i",
                "insert into guest (id, email, display_name, home_tenant_id, home_subject, partner_id, state, invited_by, created_at,"
                + " modified_at, last_sign_in_at) select md5('g' || i)::uuid,"
                + " 'guest' || i || '@bench' || (i % " + PARTNERS + ") || '.example', 'Guest ' || i,"
                + " 'bench-tenant-' || (i % " + PARTNERS + "), 'sub-' || i, md5('p' || (i % " + PARTNERS + "))::uuid, 'ACTIVE', 'bench',"
                + " now() - interval '400 days', now() - interval '400 days', now() - (i % 200) * interval '1 day'"
                + " from generate_series(0, " + (GUESTS - 1) + ") i",
                // their last sign-ins count as published (as a platform that has run for a while has them), so that no step measures
                // the other services taking 100,000 guest-signed-in events the seeding made up
                "insert into sign_in_published (guest_id, signed_in_at, published_at) select md5('g' || i)::uuid,"
                + " now() - (i % 200) * interval '1 day', now() - interval '1 day' from generate_series(0, " + (GUESTS - 1) + ") i",
                "insert into guest_sponsor (guest_id, email) select md5('g' || i)::uuid, 'sponsor' || (i % 300) || '@corp.example'"
                + " from generate_series(0, " + (GUESTS - 1) + ") i",
                "insert into access_grant (id, guest_id, resource_id, role, state, granted_at, granted_by)"
                + " select md5('x' || i)::uuid, md5('g' || (i % " + GUESTS + "))::uuid, md5('r' || ((i / " + GUESTS + ") * 7 + i) % " + RESOURCES + ")::uuid,"
                + " 'reader', 'ACTIVE', now(), 'bench' from generate_series(0, " + (GRANTS - 1) + ") i",
                "analyze");
        System.out.printf("seeded %d guests, %d resources, %d grants in %d ms%n", GUESTS, RESOURCES, GRANTS, (System.nanoTime() - seeding) / 1_000_000);

        if (STEPS.contains("list")) {
            list();
        }
        if (STEPS.contains("sign-ins")) {
            signIns();
        }
        if (STEPS.contains("import")) {
            importGuests(api);
        }
        if (STEPS.contains("kill-switch")) {
            killSwitch(api);
        }
    }

    /** 1. GET /api/v1/guests?inactiveDays=90&limit=100, paging on through the cursor, with a plain HTTP client: the figure is the service's. */
    private void list() throws IOException, InterruptedException {
        String cursor = null;
        for (int i = 0; i < 200; i++) {
            cursor = guestsPage(i % 20 == 0 ? null : cursor);
        }
        long[] took = new long[2000];
        cursor = null;
        for (int i = 0; i < took.length; i++) {
            long start = System.nanoTime();
            cursor = guestsPage(cursor);
            took[i] = System.nanoTime() - start;
        }
        Arrays.sort(took);
        System.out.printf("GET /api/v1/guests?inactiveDays=90&limit=100 (paging on through the cursor), %d requests: p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                took.length, took[took.length / 2] / 1e6, took[took.length * 99 / 100] / 1e6, took[took.length - 1] / 1e6);
    }

    /** 2. sign-ins: 20 batches of 10,000 records, written as JSON before the clock starts (the figure is the service's, not the test's serializer's). */
    private void signIns() throws Exception {
        Random random = new Random(7);
        List<String> bodies = new ArrayList<>();
        for (int b = 0; b < 21; b++) {
            bodies.add(EventJson.mapper().writeValueAsString(Map.of("records", batch(random, 10_000))));
        }
        post("/api/v1/sign-ins", "application/json", bodies.get(0));
        int records = 0;
        ServiceCpu cpu = ServiceCpu.start(platform);
        long signIns = System.nanoTime();
        for (String body : bodies.subList(1, bodies.size())) {
            post("/api/v1/sign-ins", "application/json", body);
            records += 10_000;
        }
        double seconds = (System.nanoTime() - signIns) / 1e9;
        System.out.printf("sign-ins: %d records in 20 batches in %.2f s: %.0f records/s%n", records, seconds, records / seconds);
        // what each service and the infrastructure spent meanwhile: the ingest's own work, and the others' taking its events on the same cores
        int thousands = records / 1000;
        // the figures idle is not taken off first: per() then measures a second idle window
        String infrastructure = cpu.infrastructure(thousands);
        Map<String, String> threadShares = cpu.threadShares(thousands);
        cpu.print("1,000 sign-ins", cpu.per(thousands));
        System.out.println("  infrastructure per 1,000 sign-ins (idle not taken off): " + infrastructure);
        threadShares.forEach((service, shares) -> System.out.printf("  %s by thread (ms per 1,000 sign-ins): %s%n", service, shares));
        // the sign-ins' events that are due go out before the import starts (later sign-ins of a guest wait for the interval): each figure on its own
        await().atMost(Duration.ofMinutes(15)).pollInterval(Duration.ofMillis(250)).until(() -> count("select count(*) from sign_in_pending where due_at <= now()") == 0);
        awaitOutboxPublished();
    }

    /** 3. an import of 100,000 rows. */
    private void importGuests(InventoryApi api) throws Exception {
        StringBuilder csv = new StringBuilder("email,displayName,homeTenantId,homeSubject,sponsors,lastSignInAt\n");
        for (int i = 0; i < 100_000; i++) {
            // into partners 1..9: partner 0 keeps its 10,000 guests for the kill switch
            int partner = 1 + i % (PARTNERS - 1);
            csv.append("imported").append(i).append("@bench").append(partner).append(".example,Imported ").append(i).append(",bench-tenant-")
                    .append(partner).append(",imp-").append(i).append(",sponsor").append(i % 300).append("@corp.example,")
                    .append(i % 2 == 0 ? Instant.now().minusSeconds(86_400L * (i % 300)).toString() : "").append('\n');
        }
        long importing = System.nanoTime();
        String id = EventJson.mapper().readTree(post("/api/v1/imports/guests", "text/csv", csv.toString())).get("id").asText();
        await().atMost(Duration.ofMinutes(15)).pollInterval(Duration.ofMillis(250)).until(() -> "COMPLETED".equals(
                api.as(admin.get()).get("/api/v1/imports/" + id).then().extract().path("state")));
        System.out.printf("import of 100,000 rows: %d ms from the upload to COMPLETED (%s imported)%n", (System.nanoTime() - importing) / 1_000_000,
                api.as(admin.get()).get("/api/v1/imports/" + id).then().extract().path("imported").toString());
        awaitOutboxPublished();
    }

    /**
     * 4. the kill switch: a partner of 10,000 guests with 50,000 grants blocked, twice: partner 1 on the services as they started
     * (cold: their JIT compiles the batch paths while it runs), then partner 0 on services that have done it once (warm, as a
     * platform that has run for a while is; the signal benchmark warms up the same way).
     */
    private void killSwitch(InventoryApi api) throws Exception {
        blockPartner(api, 1, "cold");
        blockPartner(api, 0, "warm");
    }

    private void blockPartner(InventoryApi api, int index, String label) throws Exception {
        ServiceCpu cpu = ServiceCpu.start(platform);
        String partner = "md5('p" + index + "')::uuid";
        String partnerId = single("select cast(" + partner + " as text)");
        long killing = System.nanoTime();
        Instant patched = Instant.now();
        api.as(admin.get()).body(Map.of("state", "BLOCKED")).patch("/api/v1/partners/" + partnerId).then().statusCode(200);
        long committed = System.nanoTime();
        // the guests follow in batches (PartnerEnforcement): every one blocked with no grant left, then every event on Kafka. Polled
        // once a second, and the times read from the rows afterwards (when each guest was blocked, when the relay marked each event
        // published): a count of the partner's guests ten times a second took half a core of PostgreSQL from what is measured
        // (a guest's block and its revocations are one transaction: the grants are asked after, once the guests are all blocked; asked
        // at each poll, they took a tenth of a core of PostgreSQL from what is measured)
        await().atMost(Duration.ofMinutes(15)).pollInterval(Duration.ofSeconds(1)).until(() -> !exists("select 1 from guest g where g.partner_id = "
                + partner + " and g.state <> 'BLOCKED'"));
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1)).until(() -> !exists("select 1 from guest g where g.partner_id = "
                + partner + " and exists (select 1 from access_grant a where a.guest_id = g.id and a.state = 'ACTIVE')"));
        awaitOutboxPublished();
        Instant lastBlocked = epochMicros("select max(blocked_at) from guest where partner_id = " + partner);
        Instant lastPublished = epochMicros("select max(published_at) from outbox_event where ce_type = '" + EventType.ACCESS_REVOKED.ceType()
                + "' and created_at >= '" + patched + "'");
        long guestsBlocked = count("select count(*) from guest where partner_id = " + partner + " and state = 'BLOCKED'");
        long grantsRevoked = count("select count(*) from access_grant g join guest u on u.id = g.guest_id where u.partner_id = " + partner
                + " and g.state = 'REVOKED'");
        System.out.printf("partner blocked (%s): %d guests blocked, %d grants revoked; PATCH answered after %d ms, the last guest blocked after %d ms,"
                + " the last access-revoked on Kafka after %d ms%n", label, guestsBlocked, grantsRevoked, (committed - killing) / 1_000_000,
                Duration.between(patched, lastBlocked).toMillis(), Duration.between(patched, lastPublished).toMillis());
        // what each service spent until then, per guest blocked (five grants each): inventory's own work, and the other services'
        // taking its events (read models, reviews, policies, mails) on the same cores
        // the figures idle is not taken off first: per() then measures a second idle window
        String transactions = cpu.transactionsPer((int) guestsBlocked);
        String infrastructure = cpu.infrastructure((int) guestsBlocked);
        Map<String, String> threadShares = cpu.threadShares((int) guestsBlocked);
        cpu.print("guest blocked", cpu.per((int) guestsBlocked));
        System.out.println("  transactions committed per guest blocked (pg_stat_database, idle taken off): " + transactions);
        System.out.println("  infrastructure per guest blocked (idle not taken off): " + infrastructure);
        threadShares.forEach((service, shares) -> System.out.printf("  %s by thread (ms per guest blocked): %s%n", service, shares));
        assertEquals(GUESTS / PARTNERS, guestsBlocked);
    }

    private String guestsPage(String cursor) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(inventory + "/api/v1/guests?inactiveDays=90&limit=100"
                + (cursor == null ? "" : "&cursor=" + cursor))).header("Authorization", "Bearer " + admin.get()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        var next = EventJson.mapper().readTree(response.body()).get("nextCursor");
        return next == null || next.isNull() ? null : next.asText();
    }

    private String post(String path, String contentType, String body) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(inventory + path)).header("Authorization", "Bearer " + admin.get())
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(path.endsWith("/guests") ? 202 : 200, response.statusCode(), response.body());
        return response.body();
    }

    private void awaitOutboxPublished() {
        await().atMost(Duration.ofMinutes(15)).pollInterval(Duration.ofMillis(100)).until(() -> !exists("select 1 from outbox_event where published_at is null"));
    }

    /** inventory-service's database: seeding and counting only; everything measured goes through the API. */
    private Connection database() throws SQLException {
        return platform.database("inventory");
    }

    private void sql(String... statements) throws SQLException {
        try (Connection c = database(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            for (String statement : statements) {
                s.execute(statement);
            }
            c.commit();
        }
    }

    /** The one timestamp {@code query} selects. */
    private Instant epochMicros(String query) {
        return Instant.EPOCH.plus(count("select (extract(epoch from t) * 1000000)::bigint from (" + query + ") as q(t)"), java.time.temporal.ChronoUnit.MICROS);
    }

    private boolean exists(String query) {
        return "t".equals(single("select exists (" + query + ")"));
    }

    private long count(String query) {
        return Long.parseLong(single(query));
    }

    private String single(String query) {
        try (Connection c = database(); PreparedStatement s = c.prepareStatement(query); ResultSet r = s.executeQuery()) {
            r.next();
            return r.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Map<String, Object>> batch(Random random, int size) {
        List<Map<String, Object>> records = new ArrayList<>(size);
        Instant now = Instant.now();
        for (int i = 0; i < size; i++) {
            int guest = random.nextInt(GUESTS);
            records.add(Map.of("homeTenantId", "bench-tenant-" + guest % PARTNERS, "homeSubject", "sub-" + guest,
                    "at", now.minusSeconds(random.nextInt(86_400)).toString()));
        }
        return records;
    }
}

package dev.portcullis.e2e;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.events.AccessGranted;
import dev.portcullis.events.AccessRevoked;
import dev.portcullis.events.EventJson;
import dev.portcullis.events.EventType;
import dev.portcullis.events.Topic;
import dev.portcullis.testsupport.InventoryApi;
import dev.portcullis.testsupport.KafkaTestClient;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two instances of every service under a steady load of partner signals, while one instance of
 * each is killed with {@code kill -9}, the Kafka broker is restarted and the SMTP server is frozen
 * for 20 s. Afterwards every signalled guest is blocked with every grant revoked, Kafka holds
 * exactly one {@code access-revoked} per grant in each guest's commit order, every recipient has one
 * message per guest and signal, and nothing is dead-lettered.
 * <p>
 * {@code -Dfault.rate} (signals per second, 10 in CI), {@code -Dfault.seconds} (30 in CI) and
 * {@code -Dfault.grants} (grants per guest, 5) set the load; the faults fall at 1/6, 5/12 and 2/3 of it.
 */
@ExtendWith(Platform.class)
class FaultToleranceTest {

    // CI's load; the issue's target (30/s for 60 s) is -Dfault.rate=30 -Dfault.seconds=60, see docs/benchmarks.md
    private static final int RATE = Integer.getInteger("fault.rate", 10);
    private static final int SECONDS = Integer.getInteger("fault.seconds", 30);
    private static final int GRANTS = Integer.getInteger("fault.grants", 5);
    private static final int GUESTS_PER_PARTNER = 50;
    /** notification-service's defaults: how long a sender's claims last, and the SMTP conversations it holds at once. */
    private static final Duration MAIL_CLAIM = Duration.ofSeconds(60);
    private static final int MAIL_CONVERSATIONS = 32;

    /** The killed instances come back: the tests after this one run on the whole platform, two instances of each service. */
    @AfterEach
    void restartTheKilledInstances() {
        Platform.get().start("inventory", "review", "policy", "notification");
    }

    @Test
    void theChainHoldsThroughKilledInstancesABrokerRestartAndAnSmtpOutage() throws Exception {
        Platform platform = Platform.get();
        assertTrue(platform.instances() >= 2, "the fault test needs two instances of each service");
        Supplier<String> admin = platform.freshUserToken("admin");
        Supplier<String> signal = platform.freshSignalToken();
        List<String> inventoryUrls = platform.urls("inventory");
        InventoryApi inventory = new InventoryApi(inventoryUrls.get(0), admin, signal);
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<String> owners = List.of("fault-owner1-" + run + "@example.com", "fault-owner2-" + run + "@example.com");
        List<String> resources = List.of(inventory.createResource("Fault CRM " + run, "CONFIDENTIAL", List.of(owners.get(0))),
                inventory.createResource("Fault Wiki " + run, "GENERAL", List.of(owners.get(1))));

        List<InventoryApi> instances = inventoryUrls.stream().map(url -> new InventoryApi(url, admin, signal)).toList();
        List<Target> targets = setUp(instances, resources, run, RATE * SECONDS);
        System.out.printf("fault test: %d guests with %d grants each, %d signals/s for %d s over %d instances%n", targets.size(), GRANTS, RATE,
                SECONDS, platform.instances());

        // the load: open loop, one signal every 1/RATE s, each retried on the other instance if its instance is gone
        ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
        ExecutorService senders = Executors.newFixedThreadPool(32);
        List<Future<Integer>> answers = new ArrayList<>();
        AtomicInteger next = new AtomicInteger();
        AtomicInteger retries = new AtomicInteger();
        clock.scheduleAtFixedRate(() -> {
            int n = next.getAndIncrement();
            if (n < targets.size()) {
                synchronized (answers) {
                    answers.add(senders.submit(() -> postSignal(targets.get(n), inventoryUrls, n, signal, retries)));
                }
            }
        }, 0, 1_000_000 / RATE, TimeUnit.MICROSECONDS);

        Instant start = Instant.now();
        at(start, SECONDS / 6);
        for (String service : List.of("inventory", "review", "policy", "notification")) {
            platform.signal(service + "-2", "KILL");
        }
        Instant killedAt = Instant.now();
        System.out.println("fault test: killed one instance of each service at " + Duration.between(start, killedAt).toSeconds() + " s");
        at(start, SECONDS * 5 / 12);
        platform.stopKafka();
        platform.startKafka();
        System.out.println("fault test: Kafka restarted by " + Duration.between(start, Instant.now()).toSeconds() + " s");
        at(start, SECONDS * 2 / 3);
        platform.signal("mail", "STOP");
        try {
            Thread.sleep(20_000); // the outage itself: the SMTP server answers nothing for 20 s
        } finally {
            platform.signal("mail", "CONT");
        }
        System.out.println("fault test: SMTP server back at " + Duration.between(start, Instant.now()).toSeconds() + " s");

        await().atMost(Duration.ofSeconds(SECONDS + 120)).until(() -> next.get() >= targets.size());
        clock.shutdown();
        List<Integer> statuses = new ArrayList<>();
        synchronized (answers) {
            for (Future<Integer> answer : answers) {
                statuses.add(answer.get(120, TimeUnit.SECONDS));
            }
        }
        senders.shutdown();
        assertEquals(Set.of(202), Set.copyOf(statuses), "every signal accepted (retried on the other instance when its own was gone)");
        System.out.printf("fault test: %d signals accepted, %d attempts retried on another instance%n", statuses.size(), retries.get());

        // every signalled guest BLOCKED, every grant REVOKED
        await().atMost(Duration.ofMinutes(3)).ignoreExceptions().until(() -> resources.stream().allMatch(r -> inventory.as(admin.get())
                .queryParam("resourceId", r).queryParam("state", "ACTIVE").queryParam("limit", 1).get("/api/v1/grants").then().statusCode(200)
                .extract().<List<?>>path("items").isEmpty()));
        Set<String> partners = new HashSet<>();
        targets.forEach(t -> partners.add(t.partnerId()));
        for (String partner : partners) {
            List<String> states = inventory.as(admin.get()).queryParam("partnerId", partner).queryParam("limit", 500).get("/api/v1/guests")
                    .then().statusCode(200).extract().path("items.state");
            assertEquals(Set.of("BLOCKED"), Set.copyOf(states), "guests of partner " + partner);
        }

        // Kafka: one access-revoked per grant, and each guest's events in commit order (its grants, then their revocations)
        KafkaTestClient kafka = platform.kafka();
        Set<String> guestIds = new HashSet<>();
        targets.forEach(t -> guestIds.add(t.guestId()));
        Map<String, List<ConsumerRecord<String, String>>> byGuest = await().atMost(Duration.ofMinutes(2)).until(() -> {
            Map<String, List<ConsumerRecord<String, String>>> events = new HashMap<>();
            for (ConsumerRecord<String, String> r : kafka.readAll(Topic.INVENTORY_ACCESS.topicName(), r -> guestIds.contains(r.key()))) {
                events.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r);
            }
            return events;
        }, events -> events.values().stream().mapToInt(List::size).sum() >= targets.size() * GRANTS * 2);
        Map<String, Integer> revocationsPerGrant = new HashMap<>();
        // Exactly once on the topic, even for a relay killed between Kafka's commit and marking its rows:
        // its successor finds those events on Kafka and marks them instead of sending them again.
        AtomicInteger redelivered = new AtomicInteger();
        for (Map.Entry<String, List<ConsumerRecord<String, String>>> guest : byGuest.entrySet()) {
            List<String> order = new ArrayList<>();
            Set<String> seen = new java.util.HashSet<>();
            guest.getValue().stream().sorted((a, b) -> Long.compare(a.offset(), b.offset())).forEach(r -> {
                if (!seen.add(KafkaTestClient.header(r, "ce_id"))) {
                    redelivered.incrementAndGet();
                    return;
                }
                String type = KafkaTestClient.header(r, "ce_type");
                if (EventType.ACCESS_REVOKED.ceType().equals(type)) {
                    revocationsPerGrant.merge(EventJson.read(r.value(), AccessRevoked.class).grantId(), 1, Integer::sum);
                    order.add("revoked");
                } else if (EventType.ACCESS_GRANTED.ceType().equals(type)) {
                    EventJson.read(r.value(), AccessGranted.class);
                    order.add("granted");
                }
            });
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < GRANTS; i++) {
                expected.add("granted");
            }
            for (int i = 0; i < GRANTS; i++) {
                expected.add("revoked");
            }
            assertEquals(expected, order, "events of guest " + guest.getKey() + " in commit order");
        }
        assertEquals(targets.size() * GRANTS, revocationsPerGrant.size(), "grants with an access-revoked");
        assertEquals(Set.of(1), Set.copyOf(revocationsPerGrant.values()), "distinct access-revoked events per grant");
        assertEquals(0, redelivered.get(), "events on the topic more than once (same ce_id)");

        // mail, counted once every claim of the killed notification instance has lapsed (a message it claimed and had not sent is
        // sent by the other one then): one message per recipient, guest and signal; a copy sent again carries the same Message-ID,
        // and only a message whose conversation was open at the kill is sent again (a delivery is written as soon as the server took it)
        Duration claimsLapsed = Duration.between(Instant.now(), killedAt.plus(MAIL_CLAIM).plusSeconds(5));
        if (!claimsLapsed.isNegative()) {
            Thread.sleep(claimsLapsed.toMillis()); // nothing to await: the claims' deadline is a fact of the clock
        }
        Map<String, Integer> expectedPerRecipient = new HashMap<>();
        targets.forEach(t -> expectedPerRecipient.merge(t.sponsor(), 1, Integer::sum));
        owners.forEach(o -> expectedPerRecipient.put(o, targets.size()));
        AtomicInteger copies = new AtomicInteger();
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(5)).until(() -> {
            copies.set(0);
            for (Map.Entry<String, Integer> recipient : expectedPerRecipient.entrySet()) {
                List<Map<String, Object>> mails = mails(platform, recipient.getKey());
                Set<Object> ids = new HashSet<>();
                Set<Object> subjects = new HashSet<>();
                mails.forEach(mail -> {
                    ids.add(mail.get("Message-ID"));
                    subjects.add(mail.get("subject"));
                });
                copies.addAndGet(mails.size() - ids.size());
                if (ids.size() != recipient.getValue() || subjects.size() != recipient.getValue()) {
                    return false;
                }
            }
            return true;
        });
        System.out.printf("fault test: every recipient has one message per guest and signal; %d message(s) sent twice, those whose"
                + " conversations were open at the kill (at most %d: the conversations an instance holds)%n", copies.get(), MAIL_CONVERSATIONS);
        assertTrue(copies.get() <= MAIL_CONVERSATIONS, copies.get() + " messages sent twice: more than the conversations open at the kill");

        for (Topic topic : Topic.values()) {
            assertEquals(List.of(), kafka.readAll(topic.deadLetterTopicName()), topic.deadLetterTopicName());
        }
    }

    private record Target(String partnerId, String tenant, String subject, String guestId, String sponsor) {
    }

    /** {@code count} guests, 50 to a partner (whose sponsor vouches for them all), each with GRANTS grants; set up 8 at a time. */
    private static List<Target> setUp(List<InventoryApi> instances, List<String> resources, String run, int count) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<List<Target>>> partners = new ArrayList<>();
            for (int p = 0; p * GUESTS_PER_PARTNER < count; p++) {
                int partner = p;
                partners.add(pool.submit(() -> {
                    InventoryApi inventory = instances.get(partner % instances.size());
                    String tenant = "fault-" + run + "-" + partner;
                    String domain = "p" + partner + "-" + run + ".example";
                    String partnerId = inventory.createPartner(tenant, domain);
                    String sponsor = "fault-sponsor-" + partner + "-" + run + "@example.com";
                    List<Target> guests = new ArrayList<>();
                    for (int g = 0; g < GUESTS_PER_PARTNER && partner * GUESTS_PER_PARTNER + g < count; g++) {
                        String subject = "sub-" + g;
                        String guestId = inventory.inviteGuest("guest-" + g + "@" + domain, tenant, subject, List.of(sponsor));
                        for (int i = 0; i < GRANTS; i++) {
                            inventory.grant(guestId, resources.get(i % resources.size()), "role-" + i);
                        }
                        guests.add(new Target(partnerId, tenant, subject, guestId, sponsor));
                    }
                    return guests;
                }));
            }
            List<Target> targets = new ArrayList<>();
            for (Future<List<Target>> partner : partners) {
                targets.addAll(partner.get(10, TimeUnit.MINUTES));
            }
            return targets;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Posts one signal to the instance its number picks; if that instance is gone or failing, the next one, as a load balancer would. */
    private static int postSignal(Target target, List<String> urls, int n, Supplier<String> token, AtomicInteger retries) throws InterruptedException {
        Instant occurredAt = Instant.now();
        Instant deadline = Instant.now().plusSeconds(90);
        for (int attempt = 0; ; attempt++) {
            String url = urls.get((n + attempt) % urls.size());
            try {
                Response answer = given().baseUri(url).auth().oauth2(token.get()).contentType("application/json")
                        .body(Map.of("type", "ACCOUNT_DISABLED", "homeTenantId", target.tenant(), "homeSubject", target.subject(),
                                "occurredAt", occurredAt.toString()))
                        .post("/api/v1/partner-signals");
                if (answer.statusCode() < 500 || Instant.now().isAfter(deadline)) {
                    return answer.statusCode();
                }
            } catch (Exception connectionRefusedOrReset) {
                // RestAssured rethrows the client's IOExceptions (refused, reset, no response) unchecked
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("signal " + n + " not accepted by any instance", connectionRefusedOrReset);
                }
            }
            retries.incrementAndGet();
            Thread.sleep(100);
        }
    }

    /** The messages the SMTP server holds for one address, as its HTTP API lists them (with their "Message-ID" and "subject"). */
    private static List<Map<String, Object>> mails(Platform platform, String address) {
        String body = given().get(platform.endpoint("MAIL_API_URL") + "/api/user/" + address + "/messages/INBOX").then().extract().asString();
        return JsonPath.from(body != null && body.trim().startsWith("[") ? body : "[]").getList("$");
    }

    /** Sleeps until {@code seconds} after {@code start}: the moment a fault is due. */
    private static void at(Instant start, int seconds) throws InterruptedException {
        long wait = Duration.between(Instant.now(), start.plusSeconds(seconds)).toMillis();
        if (wait > 0) {
            Thread.sleep(wait);
        }
    }
}

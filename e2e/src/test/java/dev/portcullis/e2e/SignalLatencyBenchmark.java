package dev.portcullis.e2e;

import static org.awaitility.Awaitility.await;

import dev.portcullis.events.EventType;
import dev.portcullis.events.Topic;
import dev.portcullis.testsupport.InventoryApi;
import dev.portcullis.testsupport.KafkaTestClient;
import dev.portcullis.testsupport.RepositoryRoot;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Not a test (its name keeps it out of {@code mvn verify}): prints the flagship's latency, from a
 * partner signal to the last {@code access-revoked} on Kafka (the broker's append time), for
 * guests holding 20 grants each, and each service's start-up time and resident memory.
 * Run: see docs/benchmarks.md. Settings: -Dbenchmark.signals (200), -Dbenchmark.grants (20).
 */
@ExtendWith(Platform.class)
class SignalLatencyBenchmark {

    private static final int SIGNALS = Integer.getInteger("benchmark.signals", 200);
    private static final int GRANTS = Integer.getInteger("benchmark.grants", 20);
    private static final int WARM_UP = 20;

    /** Broker append times of the access-revoked events seen, by guest; the listener notifies on it. */
    private final Map<String, List<Long>> revokedAt = new ConcurrentHashMap<>();
    private final CountDownLatch listening = new CountDownLatch(1);

    @Test
    void signalToLastAccessRevokedOnKafka() throws Exception {
        Platform platform = Platform.get();
        String adminToken = platform.userToken("admin");
        String signalToken = platform.signalToken();
        InventoryApi api = new InventoryApi(platform.endpoint("INVENTORY_URL"), () -> adminToken, () -> signalToken);

        List<String> resources = List.of(api.createResource("Bench CRM", "CONFIDENTIAL", List.of("bench-owner1@example.com")),
                api.createResource("Bench Wiki", "GENERAL", List.of("bench-owner2@example.com")));
        System.out.printf("setting up %d guests with %d grants each...%n", SIGNALS + WARM_UP, GRANTS);
        List<InventoryApi.Guest> guests = new ArrayList<>();
        for (int i = 0; i < SIGNALS + WARM_UP; i++) {
            guests.add(api.guestWithGrants(resources, GRANTS, "bench-sponsor@example.com"));
        }

        settle(platform.endpoint("KAFKA_BOOTSTRAP_SERVERS"));

        AtomicBoolean running = new AtomicBoolean(true);
        Thread listener = new Thread(() -> listen(platform.endpoint("KAFKA_BOOTSTRAP_SERVERS"), running), "bench-listener");
        listener.start();
        listening.await();

        List<Long> fromAccepted = new ArrayList<>();
        List<Long> fromSent = new ArrayList<>();
        List<Long> restMillis = new ArrayList<>();
        for (int i = 0; i < guests.size(); i++) {
            InventoryApi.Guest guest = guests.get(i);
            long sent = System.currentTimeMillis();
            api.postSignal("ACCOUNT_DISABLED", guest.homeTenantId(), guest.homeSubject(), Instant.now()).then().statusCode(202);
            long accepted = System.currentTimeMillis();
            long last = awaitRevocations(guest.id());
            if (i >= WARM_UP) {
                fromAccepted.add(last - accepted);
                fromSent.add(last - sent);
                restMillis.add(accepted - sent);
            }
        }
        running.set(false);
        listener.join();

        System.out.println();
        System.out.printf("Flagship latency, %d signals (after %d warm-up), %d grants per guest, sequential:%n", SIGNALS, WARM_UP, GRANTS);
        print("202 received -> last access-revoked appended on Kafka", fromAccepted);
        print("signal sent  -> last access-revoked appended on Kafka", fromSent);
        print("POST /partner-signals round trip (revocation committed)", restMillis);
        System.out.println();
        System.out.println("Services (start-up from each log's 'started in', resident memory now from /proc):");
        for (String service : List.of("inventory", "review", "policy", "notification")) {
            System.out.printf("  %-13s start-up %-8s RSS %s%n", service, startup(service), rss(service));
        }
    }

    /**
     * Waits until the downstream services have consumed the set-up's thousands of events (no consumer
     * group committed anything for 3 s), so that the figures measure the signals, not the set-up's backlog.
     */
    private static void settle(String bootstrap) {
        Properties config = new Properties();
        config.put("bootstrap.servers", bootstrap);
        try (Admin admin = Admin.create(config)) {
            Map<String, Object> last = new ConcurrentHashMap<>();
            long[] changedAt = {System.currentTimeMillis()};
            await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(500)).until(() -> {
                Map<String, Object> now = new java.util.HashMap<>();
                for (String group : List.of("inventory-service", "review-service", "policy-service", "notification-service")) {
                    now.put(group, admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().toString());
                }
                if (!now.equals(last)) {
                    last.clear();
                    last.putAll(now);
                    changedAt[0] = System.currentTimeMillis();
                }
                return System.currentTimeMillis() - changedAt[0] >= 3_000;
            });
        }
        System.out.println("downstream consumers settled");
    }

    private long awaitRevocations(String guestId) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        synchronized (revokedAt) {
            while (System.currentTimeMillis() < deadline) {
                List<Long> times = revokedAt.get(guestId);
                if (times != null && times.size() >= GRANTS) {
                    return Collections.max(times);
                }
                revokedAt.wait(Math.max(1, deadline - System.currentTimeMillis()));
            }
        }
        throw new IllegalStateException("no " + GRANTS + " access-revoked for guest " + guestId + " within 30 s");
    }

    private void listen(String bootstrap, AtomicBoolean running) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topic.INVENTORY_ACCESS.topicName(), Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            listening.countDown();
            while (running.get()) {
                var records = consumer.poll(Duration.ofMillis(100));
                if (records.isEmpty()) {
                    continue;
                }
                synchronized (revokedAt) {
                    for (ConsumerRecord<String, String> record : records) {
                        if (EventType.ACCESS_REVOKED.ceType().equals(KafkaTestClient.header(record, "ce_type"))) {
                            revokedAt.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(record.timestamp());
                        }
                    }
                    revokedAt.notifyAll();
                }
            }
        }
    }

    private static void print(String what, List<Long> millis) {
        List<Long> sorted = new ArrayList<>(millis);
        Collections.sort(sorted);
        System.out.printf("  %-56s p50 %4d ms  p90 %4d ms  p99 %4d ms  max %4d ms  (n=%d)%n", what, percentile(sorted, 50),
                percentile(sorted, 90), percentile(sorted, 99), sorted.get(sorted.size() - 1), sorted.size());
    }

    private static long percentile(List<Long> sorted, int p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
    }

    private static String startup(String service) throws Exception {
        Matcher m = Pattern.compile("started in ([0-9.]+)s").matcher(Files.readString(logDir().resolve(service + ".log"), StandardCharsets.UTF_8));
        String last = "?";
        while (m.find()) {
            last = m.group(1) + " s";
        }
        return last;
    }

    private static String rss(String service) throws Exception {
        String pid = Files.readString(RepositoryRoot.get().resolve("e2e/target/platform/pids/" + service + ".pid")).trim();
        return Files.readAllLines(Path.of("/proc", pid, "status")).stream().filter(l -> l.startsWith("VmRSS"))
                .map(l -> l.replaceAll("\\s+", " ").substring(7)).findFirst().orElse("?");
    }

    private static Path logDir() {
        return RepositoryRoot.get().resolve("e2e/target/platform/logs");
    }
}

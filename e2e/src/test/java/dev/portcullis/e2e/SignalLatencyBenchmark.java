package dev.portcullis.e2e;

import static org.awaitility.Awaitility.await;

import dev.portcullis.events.EventType;
import dev.portcullis.events.Topic;
import dev.portcullis.testsupport.InventoryApi;
import dev.portcullis.testsupport.KafkaTestClient;
import dev.portcullis.testsupport.RepositoryRoot;
import dev.portcullis.testsupport.SsfTransmitter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Not a test (its name keeps it out of {@code mvn verify}): prints the flagship's latency, from a
 * partner signal to the last {@code access-revoked} visible to a read_committed consumer on Kafka
 * (when that consumer gets it), for guests holding 20 grants each; the CPU each service spent per signal, and by which of its
 * threads (user and system time: the JIT and GC too); and each service's start-up time and resident memory. Run: see docs/benchmarks.md.
 * <ul>
 * <li>Sequential (the default): one signal at a time. -Dbenchmark.signals (200), -Dbenchmark.grants (20), after
 * -Dbenchmark.warm-up signals (20) that are not counted: a few thousand leave the JIT compilers nothing left to do, so what is
 * measured is the services' steady state rather than fresh JVMs still compiling.</li>
 * <li>-Dbenchmark.channel=ssf (sequential only): each signal is a RISC account-disabled SET pushed by the guest's partner's
 * Shared Signals transmitter (a test one, connected to every partner), instead of a REST signal.</li>
 * <li>Open loop, when -Dbenchmark.rate is given: signals sent every 1/rate s for -Dbenchmark.seconds
 * (30), round-robin over every inventory instance, whether or not earlier ones are done.</li>
 * </ul>
 */
@ExtendWith(Platform.class)
class SignalLatencyBenchmark {

    private static final int SIGNALS = Integer.getInteger("benchmark.signals", 200);
    private static final Integer RATE = Integer.getInteger("benchmark.rate");
    private static final int SECONDS = Integer.getInteger("benchmark.seconds", 30);
    private static final int GRANTS = Integer.getInteger("benchmark.grants", 20);
    private static final int WARM_UP = Integer.getInteger("benchmark.warm-up", 20);
    private static final boolean SSF = "ssf".equals(System.getProperty("benchmark.channel"));
    /** -Dbenchmark.jfr: a JFR recording (settings=profile) of every service JVM over the measured signals, in e2e/target/jfr. */
    private static final boolean JFR = Boolean.getBoolean("benchmark.jfr");

    /** When the listener saw each access-revoked event, by guest; the listener notifies on it. */
    private final Map<String, List<Long>> revokedAt = new ConcurrentHashMap<>();
    private final CountDownLatch listening = new CountDownLatch(1);

    @Test
    @DisabledIfSystemProperty(named = "benchmark.rate", matches = ".+")
    void signalToLastAccessRevokedOnKafka() throws Exception {
        Platform platform = Platform.get();
        // a long warm-up's set-up outlasts a token: fetch a new one as each nears its end
        Supplier<String> adminToken = platform.freshUserToken("admin");
        InventoryApi api = new InventoryApi(platform.endpoint("INVENTORY_URL"), adminToken, platform.freshSignalToken());

        List<String> resources = List.of(api.createResource("Bench CRM", "CONFIDENTIAL", List.of("bench-owner1@example.com")),
                api.createResource("Bench Wiki", "GENERAL", List.of("bench-owner2@example.com")));
        System.out.printf("setting up %d guests with %d grants each...%n", SIGNALS + WARM_UP, GRANTS);
        // set up four at a time: each guest is a partner, an invitation and its grants, one request each
        ExecutorService setUp = Executors.newFixedThreadPool(4);
        List<Future<InventoryApi.Guest>> made = new ArrayList<>();
        for (int i = 0; i < SIGNALS + WARM_UP; i++) {
            made.add(setUp.submit(() -> api.guestWithGrants(resources, GRANTS, "bench-sponsor@example.com")));
        }
        List<InventoryApi.Guest> guests = new ArrayList<>();
        for (Future<InventoryApi.Guest> guest : made) {
            guests.add(guest.get());
        }
        setUp.shutdown();

        SsfTransmitter transmitter = SSF ? new SsfTransmitter() : null;
        Map<String, List<String>> pushTo = new ConcurrentHashMap<>(); // guest id -> [push endpoint, its authorization]
        if (SSF) {
            for (InventoryApi.Guest guest : guests) {
                String partnerId = api.as(adminToken.get()).get("/api/v1/guests/" + guest.id()).then().extract().path("partnerId");
                var connected = api.as(adminToken.get()).body(Map.of("issuer", transmitter.issuer, "audience", "bench")).put("/api/v1/partners/"
                        + partnerId + "/ssf");
                pushTo.put(guest.id(), List.of(connected.path("pushEndpoint"), connected.path("pushAuthorization")));
            }
        }

        platform.awaitConsumersSettled();

        AtomicBoolean running = new AtomicBoolean(true);
        Thread listener = new Thread(() -> listen(platform, running), "bench-listener");
        listener.start();
        listening.await();

        List<Long> fromAccepted = new ArrayList<>();
        List<Long> fromSent = new ArrayList<>();
        List<Long> restMillis = new ArrayList<>();
        ServiceCpu cpu = null;
        for (int i = 0; i < guests.size(); i++) {
            if (i == WARM_UP) {
                cpu = ServiceCpu.start(platform); // once the warm-up's downstream work is done
                if (JFR) {
                    ServiceCpu.jfr("JFR.start", "name=bench", "settings=profile");
                }
            }
            InventoryApi.Guest guest = guests.get(i);
            String set = SSF ? transmitter.set(SsfTransmitter.RISC + "account-disabled", Map.of("format", "iss_sub", "iss", transmitter.issuer,
                    "sub", guest.homeSubject()), "bench") : null;
            long sent = System.currentTimeMillis();
            if (SSF) {
                SsfTransmitter.push(platform.endpoint("INVENTORY_URL"), pushTo.get(guest.id()).get(0), pushTo.get(guest.id()).get(1), set)
                        .then().statusCode(202);
            } else {
                api.postSignal("ACCOUNT_DISABLED", guest.homeTenantId(), guest.homeSubject(), Instant.now()).then().statusCode(202);
            }
            long accepted = System.currentTimeMillis();
            long last = awaitRevocations(guest.id());
            if (i >= WARM_UP) {
                fromAccepted.add(last - accepted);
                fromSent.add(last - sent);
                restMillis.add(accepted - sent);
            }
        }
        platform.awaitConsumersSettled(); // the downstream services' share of the last signals (mails, policies) counts too
        // the figures idle is not taken off first: per() then measures a second idle window
        Map<String, String> threadShares = cpu.threadShares(SIGNALS);
        String transactions = cpu.transactionsPer(SIGNALS);
        Map<String, String> compilations = cpu.compilations(SIGNALS);
        String infrastructure = cpu.infrastructure(SIGNALS);
        Map<String, Double> cpuPerSignal = cpu.per(SIGNALS);
        if (JFR) {
            ServiceCpu.jfr("JFR.stop", "name=bench", "filename=" + RepositoryRoot.get().resolve("e2e/target/jfr") + "/%s.jfr");
        }
        running.set(false);
        listener.join();
        if (transmitter != null) {
            transmitter.close();
        }

        System.out.println();
        System.out.printf("Flagship latency, %d %s (after %d warm-up), %d grants per guest, sequential:%n", SIGNALS,
                SSF ? "RISC account-disabled SETs pushed" : "signals", WARM_UP, GRANTS);
        print("202 received -> last access-revoked visible on Kafka", fromAccepted);
        print((SSF ? "SET pushed" : "signal sent") + "  -> last access-revoked visible on Kafka", fromSent);
        print((SSF ? "POST /ssf/v1/receiver/{partner}/push" : "POST /partner-signals") + " round trip (revocation committed)", restMillis);
        cpu.print("signal", cpuPerSignal);
        System.out.println("  transactions committed per signal (pg_stat_database, idle taken off): " + transactions);
        threadShares.forEach((service, shares) -> System.out.printf("  %s by thread (ms per signal, idle not taken off): %s%n", service, shares));
        compilations.forEach((service, jit) -> System.out.printf("  %s JIT over the run: %s%n", service, jit));
        System.out.println("  infrastructure per signal (idle not taken off): " + infrastructure);
        System.out.println();
        printServices(platform);
    }

    /**
     * Each service's resident memory after the run, then the same service restarted with the rest of
     * the platform up (its instances at once): Quarkus' own "started in", the time until up.sh saw
     * every instance ready, and the resident memory just after.
     */
    private static void printServices(Platform platform) throws Exception {
        System.out.println();
        System.out.println("Services after the run (resident memory from /proc), then restarted with the platform up:");
        for (String service : List.of("inventory", "review", "policy", "notification")) {
            String rssAfterRun = rss(service);
            String memory = nativeMemory(service);
            long readyMillis = platform.restart(service);
            System.out.printf("  %-13s RSS after the run %-10s | restarted: started in %-7s ready after %5d ms (%d instances at once), RSS %s%n",
                    service, rssAfterRun, startup(service), readyMillis, platform.instances(), rss(service));
            if (!memory.isEmpty()) {
                System.out.println("    committed after the run (JVM native memory tracking): " + memory);
            }
        }
    }

    /**
     * Where a service's memory is, when its JVM tracks it ({@code -XX:NativeMemoryTracking=summary} among
     * {@code -Dportcullis.e2e.service-jvm}): what each of the JVM's areas has committed, the largest first; empty otherwise.
     */
    private static String nativeMemory(String service) throws Exception {
        String pid = Files.readString(RepositoryRoot.get().resolve("e2e/target/platform/pids/" + service + ".pid")).trim();
        if (!Files.readString(Path.of("/proc", pid, "cmdline")).contains("NativeMemoryTracking")) {
            return "";
        }
        String summary = ServiceCpu.jcmd(pid, "VM.native_memory", "summary", "scale=KB");
        Map<String, Long> committed = new java.util.LinkedHashMap<>();
        Matcher total = Pattern.compile("Total: reserved=\\d+KB, committed=(\\d+)KB").matcher(summary);
        Matcher area = Pattern.compile("(?m)^-\\s+(.+?) \\(reserved=\\d+KB, committed=(\\d+)KB\\)").matcher(summary);
        while (area.find()) {
            committed.put(area.group(1).trim(), Long.parseLong(area.group(2)));
        }
        return (total.find() ? "total " + Long.parseLong(total.group(1)) / 1024 + " MiB: " : "") + committed.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).filter(e -> e.getValue() >= 1024)
                .map(e -> e.getKey() + " " + e.getValue() / 1024).collect(java.util.stream.Collectors.joining(", ")) + " (MiB)";
    }

    @Test
    @EnabledIfSystemProperty(named = "benchmark.rate", matches = "[0-9]+")
    void openLoopSignalsToLastAccessRevoked() throws Exception {
        Platform platform = Platform.get();
        Supplier<String> admin = platform.freshUserToken("admin");
        Supplier<String> signal = platform.freshSignalToken();
        List<InventoryApi> instances = platform.urls("inventory").stream().map(url -> new InventoryApi(url, admin, signal)).toList();
        List<String> resources = instances.get(0).twoResources();
        int count = RATE * SECONDS;
        System.out.printf("setting up %d guests with %d grants each over %d inventory instances...%n", count, GRANTS, instances.size());
        long setUpStarted = System.nanoTime();
        List<InventoryApi.Guest> guests = inParallel(16, count, i -> instances.get(i % instances.size())
                .guestWithGrants(resources, GRANTS, "bench-sponsor@example.com"));
        System.out.printf("set up in %d s%n", Duration.ofNanos(System.nanoTime() - setUpStarted).toSeconds());
        platform.awaitConsumersSettled();

        AtomicBoolean running = new AtomicBoolean(true);
        Thread listener = new Thread(() -> listen(platform, running), "bench-listener");
        listener.start();
        listening.await();

        ServiceCpu cpu = ServiceCpu.start(platform);
        // open loop: the n-th signal leaves at n/RATE s, on its own thread, whatever became of the earlier ones
        long[] sentAt = new long[count];
        long[] answeredAt = new long[count];
        int[] status = new int[count];
        ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
        ExecutorService senders = Executors.newFixedThreadPool(Math.max(32, RATE * 2));
        AtomicInteger next = new AtomicInteger();
        AtomicInteger retried = new AtomicInteger();
        CountDownLatch answered = new CountDownLatch(count);
        long started = System.currentTimeMillis();
        clock.scheduleAtFixedRate(() -> {
            int n = next.getAndIncrement();
            if (n >= count) {
                return;
            }
            senders.execute(() -> {
                InventoryApi.Guest guest = guests.get(n);
                sentAt[n] = System.currentTimeMillis();
                try {
                    // as a well-behaved client: an overloaded service answers 503 with Retry-After, and is asked again
                    for (int attempt = 0; ; attempt++) {
                        status[n] = instances.get((n + attempt) % instances.size()).postSignal("ACCOUNT_DISABLED", guest.homeTenantId(),
                                guest.homeSubject(), Instant.now()).statusCode();
                        if (status[n] != 503 || attempt == 10) {
                            break;
                        }
                        retried.incrementAndGet();
                        Thread.sleep(1000);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    answeredAt[n] = System.currentTimeMillis();
                    answered.countDown();
                }
            });
        }, 0, 1_000_000 / RATE, TimeUnit.MICROSECONDS);
        answered.await();
        long lastSent = Arrays.stream(sentAt).max().orElseThrow();
        clock.shutdown();
        senders.shutdown();

        List<Long> fromSent = new ArrayList<>();
        List<Long> restMillis = new ArrayList<>();
        for (int n = 0; n < count; n++) {
            if (status[n] != 202) {
                throw new IllegalStateException("signal " + n + " answered " + status[n]);
            }
            fromSent.add(awaitRevocations(guests.get(n).id()) - sentAt[n]);
            restMillis.add(answeredAt[n] - sentAt[n]);
        }
        platform.awaitConsumersSettled();
        Map<String, String> threadShares = cpu.threadShares(count);
        String transactions = cpu.transactionsPer(count);
        Map<String, Double> cpuPerSignal = cpu.per(count);
        running.set(false);
        listener.join();

        System.out.println();
        System.out.printf("Open loop: %d signals at %d/s offered (sent over %.1f s), %d grants per guest, %d inventory instances, %d answers 503 (retried after 1 s):%n",
                count, RATE, (lastSent - started) / 1000.0, GRANTS, instances.size(), retried.get());
        print("signal sent  -> last access-revoked visible (read_committed)", fromSent);
        print("POST /partner-signals round trip (first try to 202)", restMillis);
        List<Long> steady = fromSent.subList(Math.min(RATE * 5, count - 1), count);
        print("the same, after the first 5 s", steady);
        cpu.print("signal", cpuPerSignal);
        System.out.println("  transactions committed per signal (pg_stat_database, idle taken off): " + transactions);
        threadShares.forEach((service, shares) -> System.out.printf("  %s by thread (ms per signal, idle not taken off): %s%n", service, shares));
        printServices(platform);
    }

    /** Runs {@code make(i)} for i in [0, count) on {@code threads} threads; the results in order of i. */
    private static <T> List<T> inParallel(int threads, int count, IntFunction<T> make) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int n = i;
                futures.add(pool.submit(() -> make.apply(n)));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get(30, TimeUnit.MINUTES));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Waits until the downstream services have consumed the set-up's thousands of events (no consumer
     * group committed anything for 3 s), so that the figures measure the signals, not the set-up's backlog.
     */
    private long awaitRevocations(String guestId) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 300_000;
        synchronized (revokedAt) {
            while (System.currentTimeMillis() < deadline) {
                List<Long> times = revokedAt.get(guestId);
                if (times != null && times.size() >= GRANTS) {
                    return Collections.max(times);
                }
                revokedAt.wait(Math.max(1, deadline - System.currentTimeMillis()));
            }
        }
        throw new IllegalStateException("no " + GRANTS + " access-revoked for guest " + guestId + " within 5 min");
    }

    private void listen(Platform platform, AtomicBoolean running) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.endpoint("KAFKA_BOOTSTRAP_SERVERS"));
        config.putAll(platform.kafkaSecurity(platform.endpoint("KAFKA_ADMIN_USER"), platform.endpoint("KAFKA_ADMIN_PASSWORD")));
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
                // visible: the moment this read_committed consumer got it (the transaction committed), not the append time
                long seenAt = System.currentTimeMillis();
                synchronized (revokedAt) {
                    for (ConsumerRecord<String, String> record : records) {
                        if (EventType.ACCESS_REVOKED.ceType().equals(KafkaTestClient.header(record, "ce_type"))) {
                            revokedAt.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(seenAt);
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

package dev.portcullis.e2e;

import static io.restassured.RestAssured.given;

import dev.portcullis.testsupport.InventoryApi;
import dev.portcullis.testsupport.KafkaTestClient;
import dev.portcullis.testsupport.Processes;
import dev.portcullis.testsupport.RepositoryRoot;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The whole platform as separate processes, started once per test run with deploy/local/up.sh on
 * ports of its own (offset 20000), its own run directory and fresh databases, and stopped with
 * down.sh when the run ends. Tests reach it only through its public endpoints.
 */
public final class Platform implements BeforeAllCallback, ExtensionContext.Store.CloseableResource, AutoCloseable {

    static final String PORT_OFFSET = System.getProperty("portcullis.e2e.port-offset", "20000");
    /** Instances of each service: two, so that the fault tests can kill one and the platform must carry on. */
    static final String INSTANCES = System.getProperty("portcullis.e2e.instances", "2");
    /**
     * The parts up.sh starts (its names, space-separated); all of them unless given. A benchmark of one service may run it
     * alone: {@code -Dportcullis.e2e.parts="postgres kafka keycloak policy"}.
     */
    static final String[] PARTS = System.getProperty("portcullis.e2e.parts", "").trim().isEmpty() ? new String[0]
            : System.getProperty("portcullis.e2e.parts").trim().split("\\s+");

    /**
     * Where the services send their traces (OTLP over HTTP): a collector of the tests' own, on 4318 + the
     * offset. {@code -Dportcullis.e2e.tracing=false} leaves tracing off, as a service runs by default (benchmarks).
     */
    static final int OTLP_PORT = 4318 + Integer.parseInt(PORT_OFFSET);
    static final boolean TRACING = Boolean.parseBoolean(System.getProperty("portcullis.e2e.tracing", "true"));
    /**
     * How long the services' inboxes retry a failure of unknown kind before they dead-letter it
     * (portcullis.inbox.unknown-failure-retry; a minute in production): shorter here, so that a test of an outage that outlasts it
     * (an approval while policy-service is down) need not wait a minute and more.
     */
    static final Duration UNKNOWN_FAILURE_RETRY = Duration.ofSeconds(20);
    /**
     * Whether the services train their JDK 25 AOT cache (up.sh's PORTCULLIS_AOT_TRAINING): off unless {@code
     * -Dportcullis.e2e.aot-training=true} (a benchmark's training run). A test run's platform is thrown away, so the training's
     * slower work and its minute-long stops (a fault test stopping a service) would buy nothing; a cache made earlier is still used.
     */
    static final boolean AOT_TRAINING = Boolean.parseBoolean(System.getProperty("portcullis.e2e.aot-training", "false"));
    private static Platform instance;
    /** The service JVMs' options (PORTCULLIS_SERVICE_JVM); empty: up.sh's own. */
    private static String serviceJvm = "";

    private Map<String, String> endpoints;
    private OtlpCollector collector;

    @Override
    public void beforeAll(ExtensionContext context) {
        synchronized (Platform.class) {
            if (instance == null) {
                // eight service JVMs start at once on two cores: for the tests, C1 only halves their start (the platform's
                // 142 s to 64 s, docs/benchmarks.md); a benchmark measures the services as up.sh runs them, unless told otherwise
                serviceJvm = System.getProperty("portcullis.e2e.service-jvm",
                        context.getRequiredTestClass().getSimpleName().endsWith("Benchmark") ? "" : "-Xmx256m -XX:TieredStopAtLevel=1");
                start();
                instance = this;
                context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL).put(Platform.class.getName(), this);
            }
        }
    }

    static Platform get() {
        return instance;
    }

    private void start() {
        collector = new OtlpCollector(OTLP_PORT);
        try {
            run("up.sh", PARTS);
        } catch (RuntimeException e) {
            // leave nothing behind that half-started
            run("down.sh");
            collector.close();
            throw e;
        }
        endpoints = readEndpoints();
        if (PARTS.length == 0 || java.util.Arrays.asList(PARTS).contains("policy")) {
            decidesInTime();
        }
    }

    /**
     * Healthy is not yet quick: on two cores busy starting nine JVMs, each policy-service instance's first
     * decisions (its JIT, its first token checks) can take longer than the 2 s inventory- and review-service
     * allow before they refuse with 503, as they should. The platform is ready for the tests once every
     * instance decides within a second, as the PDP client asks.
     */
    private void decidesInTime() {
        String token = given().formParam("grant_type", "client_credentials").formParam("client_id", "portcullis-pdp")
                .formParam("client_secret", "portcullis-pdp-secret").post(endpoint("KEYCLOAK_TOKEN_URL")).then().statusCode(200)
                .extract().path("access_token");
        Map<String, Object> question = Map.of("subject", Map.of("type", "guest", "id", "warm-up@platform.example"), "action", Map.of("name", "invite"),
                "resource", Map.of("type", "directory", "id", "guests"));
        for (String url : urls("policy")) {
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(90)).pollInterval(java.time.Duration.ofMillis(200))
                    .until(() -> {
                        io.restassured.response.Response answer = given().baseUri(url).auth().oauth2(token).contentType("application/json")
                                .body(question).post("/access/v1/evaluation");
                        return answer.statusCode() == 200 && answer.time() < 1000;
                    });
        }
    }

    @Override
    public void close() {
        run("down.sh");
        collector.close();
    }

    /** The spans the services have exported so far. */
    OtlpCollector traces() {
        return collector;
    }

    void stopKafka() {
        run("down.sh", "kafka");
    }

    void startKafka() {
        run("up.sh", "kafka");
    }

    /** Stops every instance of a service ("policy"), the rest of the platform running; {@link #start} brings them back. */
    void stop(String service) {
        run("down.sh", service);
    }

    /** Starts every instance of the services that is not running (stopped by {@link #stop}, or killed), and waits until all are ready. */
    void start(String... services) {
        run("up.sh", services);
        if (java.util.Arrays.asList(services).contains("policy")) {
            decidesInTime(); // ready is not yet quick: the tests after this one must not meet a cold instance's 503s
        }
    }

    /** Stops every instance of a service and starts them again, the rest of the platform running; returns the milliseconds until all are ready. */
    long restart(String service) {
        run("down.sh", service);
        long started = System.nanoTime();
        run("up.sh", service);
        return (System.nanoTime() - started) / 1_000_000;
    }

    int instances() {
        return Integer.parseInt(endpoint("INSTANCES"));
    }

    /** The base URLs of every instance of a service ("inventory", "review", "policy", "notification"). */
    List<String> urls(String service) {
        return List.of(endpoint(service.toUpperCase() + "_URLS").split(","));
    }

    /** The health and metrics (management interface) base URLs of every instance of a service, in the order of {@link #urls}. */
    /**
     * A counter summed over the running instances of {@code service} (its Prometheus lines {@code name{labels} value}), counting only
     * the lines that carry every one of {@code labels} (as {@code key="value"}).
     */
    double counter(String service, String name, String... labels) {
        double total = 0;
        for (String url : managementUrls(service)) {
            String metrics = given().get(url + "/q/metrics").then().statusCode(200).extract().asString();
            // "name{labels} value [timestamp]": the value is the second field, not the last
            total += metrics.lines().filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
                    .filter(l -> java.util.Arrays.stream(labels).allMatch(l::contains)).mapToDouble(l -> Double.parseDouble(l.split("\\s+")[1])).sum();
        }
        return total;
    }

    List<String> managementUrls(String service) {
        return List.of(endpoint(service.toUpperCase() + "_MANAGEMENT_URLS").split(","));
    }

    /** Sends a signal to a process that up.sh started ("inventory-2", "mail", …), by the pid it recorded: KILL, STOP or CONT. */
    void signal(String process, String signal) {
        try {
            String pid = Files.readString(Path.of(endpoint("PIDS")).resolve(process + ".pid")).trim();
            // pids are reused: signal it only while it is still the process up.sh started (env.sh's process_mark)
            String commandLine = Files.readString(Path.of("/proc", pid, "cmdline")).replace('\0', ' ');
            if (!commandLine.contains("-Dportcullis-process=" + runDir() + "/" + process)) {
                throw new IllegalStateException("pid " + pid + " recorded for " + process + " is now another process: " + commandLine);
            }
            Processes.run(List.of("kill", "-" + signal, pid), 10);
        } catch (IOException e) {
            throw new IllegalStateException("no pid recorded for " + process, e);
        }
    }

    String endpoint(String key) {
        String value = endpoints.get(key);
        if (value == null) {
            throw new IllegalStateException("endpoints.env has no " + key);
        }
        return value;
    }

    InventoryApi inventory() {
        return new InventoryApi(endpoint("INVENTORY_URL"), () -> userToken("admin"), this::signalToken);
    }

    /** Kafka as its admin sees it: what a SOC consumer reads, what a test publishes in a service's stead. */
    KafkaTestClient kafka() {
        return new KafkaTestClient(endpoint("KAFKA_BOOTSTRAP_SERVERS"), kafkaSecurity(endpoint("KAFKA_ADMIN_USER"), endpoint("KAFKA_ADMIN_PASSWORD")));
    }

    /** Kafka as one of the local broker's users (deploy/kubernetes/kafka-users.yaml), with its local password. */
    KafkaTestClient kafkaAs(String user) {
        return new KafkaTestClient(endpoint("KAFKA_BOOTSTRAP_SERVERS"), kafkaSecurity(user, user + endpoint("KAFKA_PASSWORD_SUFFIX")));
    }

    /**
     * Waits until no service's consumer group has moved its offsets for 3 s: the downstream work of what a benchmark did before
     * (read models, reviews, policies, mails planned) is done, so what is measured next is not charged with it.
     */
    void awaitConsumersSettled() {
        java.util.Properties config = new java.util.Properties();
        config.put("bootstrap.servers", endpoint("KAFKA_BOOTSTRAP_SERVERS"));
        config.putAll(kafkaSecurity(endpoint("KAFKA_ADMIN_USER"), endpoint("KAFKA_ADMIN_PASSWORD")));
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(config)) {
            Map<String, Object> last = new java.util.HashMap<>();
            long[] changedAt = {System.currentTimeMillis()};
            org.awaitility.Awaitility.await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(500)).until(() -> {
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

    /** How a client signs in to the local broker as {@code user}. */
    Map<String, String> kafkaSecurity(String user, String password) {
        return KafkaTestClient.scram(endpoint("KAFKA_SECURITY_PROTOCOL"), user, password);
    }

    /**
     * A service's own database (inventory, review, policy, notification), as the platform's user (PORTCULLIS_DB_USER and
     * PORTCULLIS_DB_PASSWORD, as up.sh reads them): for seeding a benchmark and for looking at what is stored, never for what a
     * test measures or asserts through the API.
     */
    java.sql.Connection database(String service) throws java.sql.SQLException {
        return java.sql.DriverManager.getConnection(endpoint("POSTGRES_URL").replace("<service>", service),
                System.getenv().getOrDefault("PORTCULLIS_DB_USER", "portcullis"), System.getenv().getOrDefault("PORTCULLIS_DB_PASSWORD", "portcullis"));
    }

    /** A Keycloak access token for a demo user (password grant on the public CLI client). */
    String userToken(String user) {
        return given().formParam("grant_type", "password").formParam("client_id", "portcullis-cli")
                .formParam("username", user).formParam("password", user)
                .post(endpoint("KEYCLOAK_TOKEN_URL")).then().statusCode(200).extract().path("access_token");
    }

    /** A Keycloak access token for the partner-signal connector (client credentials). */
    String signalToken() {
        return clientToken("SIGNAL");
    }

    /**
     * A client-credentials token of one of the realm's machine clients, named in endpoints.env by {@code <prefix>_CLIENT_ID}
     * and {@code <prefix>_CLIENT_SECRET}: SIGNAL (the partner-signal connector), SCIM (a provisioning system), SSF_RECEIVER
     * (an application taking our CAEP events).
     */
    String clientToken(String prefix) {
        return given().formParam("grant_type", "client_credentials").formParam("client_id", endpoint(prefix + "_CLIENT_ID"))
                .formParam("client_secret", endpoint(prefix + "_CLIENT_SECRET"))
                .post(endpoint("KEYCLOAK_TOKEN_URL")).then().statusCode(200).extract().path("access_token");
    }

    /** A demo user's token, fetched again after 60 s: long tests outlive Keycloak's access-token lifespan. */
    Supplier<String> freshUserToken(String user) {
        return refreshed(() -> userToken(user));
    }

    /** The signal connector's token, fetched again after 60 s. */
    Supplier<String> freshSignalToken() {
        return refreshed(this::signalToken);
    }

    private static Supplier<String> refreshed(Supplier<String> fetch) {
        AtomicReference<Map.Entry<Instant, String>> cached = new AtomicReference<>();
        return () -> cached.updateAndGet(c -> c != null && c.getKey().plusSeconds(60).isAfter(Instant.now()) ? c
                : Map.entry(Instant.now(), fetch.get())).getValue();
    }

    /** Moves the clock of every review-service instance by {@code offset} from the system's (zero puts it back). */
    void moveReviewClock(java.time.Duration offset) {
        for (String url : urls("review")) {
            given().baseUri(url).auth().oauth2(userToken("admin")).contentType(io.restassured.http.ContentType.JSON)
                    .body(Map.of("offset", offset.toString())).put("/api/v1/test-clock").then().statusCode(200);
        }
    }

    /** A mail as its recipient reads it: the subject and the text. */
    record Mail(String subject, String text) {
    }

    /** The mails the SMTP server holds for one address, decoded (read over its HTTP API). */
    List<Mail> mails(String address) {
        String body = given().get(endpoint("MAIL_API_URL") + "/api/user/" + address + "/messages/INBOX").then().extract().asString();
        if (body == null || !body.trim().startsWith("[")) {
            return List.of();
        }
        return JsonPath.from(body).<String>getList("mimeMessage").stream().map(raw -> {
            try {
                var message = new jakarta.mail.internet.MimeMessage(null, new java.io.ByteArrayInputStream(raw.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
                return new Mail(message.getSubject(), dev.portcullis.testsupport.MailParts.text(message));
            } catch (jakarta.mail.MessagingException e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    /** Subjects of the mails the SMTP server holds for one address (read over its HTTP API). */
    List<String> mailSubjects(String address) {
        String body = given().get(endpoint("MAIL_API_URL") + "/api/user/" + address + "/messages/INBOX").then().extract().asString();
        if (body == null || !body.trim().startsWith("[")) {
            return List.of();
        }
        return JsonPath.from(body).getList("subject");
    }

    private static Path runDir() {
        return RepositoryRoot.get().resolve("e2e/target/platform");
    }

    /** Runs a script of the repository ("deploy/demo/authzen-todo/load.sh") against this platform; returns what it printed. */
    String runScript(String script) {
        return Processes.run(List.of("env", "PORTCULLIS_RUN_DIR=" + runDir(), "PORTCULLIS_PORT_OFFSET=" + PORT_OFFSET,
                RepositoryRoot.get().resolve(script).toString()), 300);
    }

    private static void run(String script, String... parts) {
        run(true, script, parts);
    }

    /** Runs up.sh as a developer does by hand beside the running platform, without --instances, and reads endpoints.env again. */
    Map<String, String> upByHand(String... parts) {
        run(false, "up.sh", parts);
        return readEndpoints();
    }

    private static Map<String, String> readEndpoints() {
        try {
            return Files.readAllLines(runDir().resolve("endpoints.env")).stream()
                    .filter(l -> l.contains("="))
                    .collect(Collectors.toMap(l -> l.substring(0, l.indexOf('=')), l -> l.substring(l.indexOf('=') + 1)));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The facts up.sh wrote when the platform started. */
    Map<String, String> endpoints() {
        return endpoints;
    }

    private static void run(boolean instances, String script, String... parts) {
        // by hand, a developer's environment names neither how many instances nor fresh databases
        List<String> command = new ArrayList<>(instances ? List.of("env", "PORTCULLIS_INSTANCES=" + INSTANCES, "PORTCULLIS_FRESH_DATABASES=1")
                : List.of("env", "-u", "PORTCULLIS_INSTANCES", "-u", "PORTCULLIS_FRESH_DATABASES"));
        command.addAll(List.of(
                "PORTCULLIS_RUN_DIR=" + runDir(),
                "PORTCULLIS_PORT_OFFSET=" + PORT_OFFSET,
                "PORTCULLIS_DB_PREFIX=e2e",
                "PORTCULLIS_QUIET=1",
                "PORTCULLIS_OTLP_ENDPOINT=" + (TRACING ? "http://127.0.0.1:" + OTLP_PORT : ""),
                // a test platform: review-service's test-platform build, whose clock may be moved (to a campaign's end); its jobs look every 2 s
                "PORTCULLIS_TEST_PLATFORM=1",
                "PORTCULLIS_REVIEW_JOBS_EVERY=2s",
                "PORTCULLIS_SERVICE_JVM=" + serviceJvm,
                "PORTCULLIS_AOT_TRAINING=" + (AOT_TRAINING ? "on" : "off"),
                "PORTCULLIS_INBOX_UNKNOWN_FAILURE_RETRY=" + UNKNOWN_FAILURE_RETRY,
                RepositoryRoot.get().resolve("deploy/local/" + script).toString()));
        command.addAll(List.of(parts));
        System.out.println(Processes.run(command, 900));
    }
}

package dev.portcullis.e2e;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.testsupport.Processes;
import dev.portcullis.testsupport.RepositoryRoot;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A packaged service runs the prod profile, which assumes no address and no credential: started
 * with one setting missing from the environment, it refuses to start and names what is missing.
 */
class ProductionConfigTest {

    /** Everything the prod profile asks of the environment, pointing at nothing in particular. */
    private static final Map<String, String> COMPLETE = Map.of(
            "PORTCULLIS_DB_URL", "jdbc:postgresql://127.0.0.1:1/none",
            "PORTCULLIS_DB_USER", "portcullis",
            "PORTCULLIS_DB_PASSWORD", "secret",
            "PORTCULLIS_OIDC_URL", "http://127.0.0.1:1/realms/none",
            "PORTCULLIS_KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1",
            "PORTCULLIS_SMTP_HOST", "127.0.0.1",
            "PORTCULLIS_MAIL_FROM", "Portcullis <portcullis@example.com>",
            "PORTCULLIS_POLICY_URLS", "http://127.0.0.1:1",
            "PORTCULLIS_PDP_CLIENT_SECRET", "secret",
            "PORTCULLIS_REVIEW_PAGE_CLIENT_SECRET", "secret");

    @ParameterizedTest
    @CsvSource({
            "inventory, PORTCULLIS_DB_PASSWORD",
            "inventory, PORTCULLIS_PDP_CLIENT_SECRET",
            "review, PORTCULLIS_DB_URL",
            "review, PORTCULLIS_POLICY_URLS",
            "review, PORTCULLIS_REVIEW_PAGE_CLIENT_SECRET",
            "policy, PORTCULLIS_OIDC_URL",
            "notification, PORTCULLIS_SMTP_HOST",
            "notification, PORTCULLIS_KAFKA_BOOTSTRAP_SERVERS"})
    void aServiceMissingASettingRefusesToStartAndNamesIt(String service, String missing) {
        Map<String, String> environment = new HashMap<>(COMPLETE);
        environment.remove(missing);

        Processes.Result result = start(service, environment);

        assertNotEquals(0, result.exitCode(), "started without " + missing + ":\n" + result.output());
        assertTrue(result.output().contains(missing), "the failure names " + missing + ":\n" + result.output());
    }

    /** The typed settings (PortcullisSettings, a service's own mapping) check every value before anything connects. */
    @ParameterizedTest
    @CsvSource({
            "review, PORTCULLIS_OUTBOX_POLL_INTERVAL, soon, portcullis.outbox.poll-interval",
            "inventory, PORTCULLIS_KAFKA_TOPIC_PARTITIONS, six, portcullis.kafka.topic-partitions",
            "notification, PORTCULLIS_NOTIFICATION_MAIL_CONCURRENCY, many, portcullis.notification.mail.concurrency"})
    void aServiceWithAMalformedSettingRefusesToStartAndNamesIt(String service, String variable, String value, String property) {
        Map<String, String> environment = new HashMap<>(COMPLETE);
        environment.put(variable, value);

        Processes.Result result = start(service, environment);

        assertNotEquals(0, result.exitCode(), "started with " + variable + "=" + value + ":\n" + result.output());
        assertTrue(result.output().contains(property), "the failure names " + property + ":\n" + result.output());
    }

    private static Processes.Result start(String service, Map<String, String> settings) {
        Map<String, String> environment = new HashMap<>(settings);
        environment.put("PATH", System.getenv("PATH"));
        environment.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        environment.put("QUARKUS_HTTP_PORT", "0");
        environment.put("QUARKUS_MANAGEMENT_HOST", "127.0.0.1");
        environment.put("QUARKUS_MANAGEMENT_PORT", "0");
        String jar = RepositoryRoot.get().resolve(service + "-service/target/quarkus-app/quarkus-run.jar").toString();
        return Processes.run(List.of(javaCommand(), "-jar", jar), environment, 120);
    }

    private static String javaCommand() {
        return java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}

package dev.portcullis.e2e;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portcullis.events.ReviewerAssigned;
import dev.portcullis.testsupport.KafkaTestClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Not a test (its name keeps it out of {@code mvn verify}): -Dbenchmark.events (10,000) {@code reviewer-assigned}
 * events, each of its own campaign (so spread over the topic's partitions), to -Dbenchmark.reviewers (1,000)
 * reviewers in turn, published together on Kafka; prints the time from the first publish until notification-service's instances have sent
 * as many mails (their {@code portcullis.mail.sent} counters), and then checks the count on the SMTP server
 * itself (every reviewer's mailbox, over IMAP). Run: see docs/benchmarks.md.
 */
@ExtendWith(Platform.class)
class MailThroughputBenchmark {

    private static final int EVENTS = Integer.getInteger("benchmark.events", 10_000);
    /** Reviewers the events go to, round robin: one campaign's digest per reviewer, as campaigns of many reviewers make them. */
    private static final int REVIEWERS = Integer.getInteger("benchmark.reviewers", 1_000);

    @Test
    void run() {
        Platform platform = Platform.get();
        String run = UUID.randomUUID().toString().substring(0, 8);
        Instant deadline = Instant.now().plus(Duration.ofDays(14));
        List<ProducerRecord<String, String>> records = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
            String campaign = UUID.randomUUID().toString();
            records.add(KafkaTestClient.record(new ReviewerAssigned(campaign, "Benchmark review " + i, reviewer(run, i % REVIEWERS), 1 + i % 40, deadline,
                    "https://portcullis.example.com/reviews?campaign=" + campaign, 1), UUID.randomUUID().toString()));
        }
        double before = sent(platform);

        long start = System.nanoTime();
        platform.kafka().publishTogether(records);
        long published = System.nanoTime();
        await().atMost(Duration.ofMinutes(15)).pollInterval(Duration.ofMillis(250)).until(() -> sent(platform) - before >= EVENTS);
        long done = System.nanoTime();

        int onServer = 0;
        for (int r = 0; r < REVIEWERS; r++) {
            onServer += inboxCount(platform, reviewer(run, r));
        }
        System.out.printf("%n%d reviewer-assigned (%d reviewers) published in %d ms; %d mails sent %d ms after the first publish (%.0f mails/s);"
                + " on the SMTP server: %d%n%n", EVENTS, REVIEWERS, (published - start) / 1_000_000, EVENTS, (done - start) / 1_000_000,
                EVENTS * 1e9 / (done - start), onServer);
        assertEquals(EVENTS, onServer);
    }

    private static String reviewer(String run, int i) {
        return "bench-" + run + "-" + i + "@example.com";
    }

    /**
     * How many messages the SMTP server holds for {@code address}, asked over IMAP (STATUS INBOX): the server's own count, without
     * fetching 10,000 messages through its HTTP API (whose 128 MB heap cannot render them all at once).
     */
    private static int inboxCount(Platform platform, String address) {
        java.util.Properties properties = new java.util.Properties();
        properties.put("mail.imap.host", "127.0.0.1");
        properties.put("mail.imap.port", platform.endpoint("IMAP_PORT"));
        try (jakarta.mail.Store store = jakarta.mail.Session.getInstance(properties).getStore("imap")) {
            store.connect(address, address); // the test server takes any password
            return store.getFolder("INBOX").getMessageCount(); // STATUS on a folder not opened: nothing fetched, nothing to close
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Mails sent by every notification-service instance so far (their counters). */
    private static double sent(Platform platform) {
        return platform.counter("notification", "portcullis_mail_sent_total");
    }
}

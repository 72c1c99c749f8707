package dev.portcullis.backbone.outbox;

import dev.portcullis.backbone.work.BackgroundWorker;
import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Publishes outbox rows to Kafka as binary-mode CloudEvents, in id order, keyed by the aggregate
 * (the guest id on guest topics), one Kafka transaction per batch: a batch is visible to
 * read_committed consumers whole or not at all, so an outage in the middle of a batch neither
 * reorders nor duplicates what they see. (A crash between the Kafka commit and the database update
 * re-publishes that batch; consumers de-duplicate on {@code ce_id}.) While Kafka is down the relay
 * backs off; requests keep committing rows meanwhile.
 * <p>
 * One relay per database is assumed (one instance per service); several instances would need a
 * lock around {@link #publishBatch()} to keep per-key order.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    private static final int BATCH = 500;

    @Inject
    AgroalDataSource dataSource;

    @ConfigProperty(name = "kafka.bootstrap.servers", defaultValue = "127.0.0.1:9092")
    String bootstrapServers;

    @ConfigProperty(name = "quarkus.application.name")
    String serviceName;

    @ConfigProperty(name = "portcullis.outbox.poll-interval", defaultValue = "PT1S")
    Duration pollInterval;

    private KafkaProducer<String, String> producer;
    private BackgroundWorker worker;

    void start(@Observes StartupEvent event) {
        worker = new BackgroundWorker(serviceName + "-outbox-relay", this::publishBatch, pollInterval, Duration.ofSeconds(5));
        worker.start();
    }

    void stop(@Observes ShutdownEvent event) {
        if (worker != null) {
            worker.stop();
        }
        discardProducer();
    }

    /** Asks the relay to look for new rows now. */
    public void wake() {
        if (worker != null) {
            worker.wake();
        }
    }

    /**
     * Publishes up to one batch in one Kafka transaction; returns true if a full batch went out (more
     * may wait). If anything fails, the transaction is aborted — read_committed consumers see none of
     * the batch — the producer is replaced, and the same rows go again on the next pass.
     */
    boolean publishBatch() throws Exception {
        List<Pending> rows = unpublished();
        if (rows.isEmpty()) {
            return false;
        }
        try {
            KafkaProducer<String, String> kafka = producer();
            kafka.beginTransaction();
            for (Pending row : rows) {
                kafka.send(row.toRecord(serviceName));
            }
            kafka.commitTransaction();
        } catch (Exception e) {
            discardProducer();
            throw new IllegalStateException(rows.size() + " outbox events not published; Kafka: " + e.getMessage(), e);
        }
        markPublished(rows.stream().map(Pending::id).toList());
        LOG.debugf("outbox published=%d", rows.size());
        return rows.size() == BATCH;
    }

    /** The transactional producer, created (and its transactions initialised, which fences any earlier one) on first use. */
    private KafkaProducer<String, String> producer() {
        if (producer == null) {
            Properties config = new Properties();
            config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            config.put(ProducerConfig.CLIENT_ID_CONFIG, serviceName + "-outbox");
            // one relay per service: a restarted instance fences the transactions its predecessor left open
            config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, serviceName + "-outbox-relay");
            config.put(ProducerConfig.ACKS_CONFIG, "all");
            config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
            // fail a pass quickly while Kafka is down; the worker backs off and retries the same rows
            config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 3_000);
            config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 3_000);
            config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 6_000);
            config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            KafkaProducer<String, String> created = new KafkaProducer<>(config);
            try {
                created.initTransactions();
            } catch (RuntimeException e) {
                created.close(Duration.ZERO);
                throw e;
            }
            producer = created;
        }
        return producer;
    }

    private void discardProducer() {
        if (producer != null) {
            producer.close(Duration.ZERO);
            producer = null;
        }
    }

    private List<Pending> unpublished() throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(
                        "select id, event_id, topic, record_key, ce_type, occurred_at, payload from outbox_event"
                                + " where published_at is null order by id limit " + BATCH)) {
            List<Pending> rows = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    rows.add(new Pending(r.getLong(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5),
                            r.getTimestamp(6).toInstant().toString(), r.getString(7)));
                }
            }
            return rows;
        }
    }

    private void markPublished(List<Long> ids) throws SQLException {
        if (ids.isEmpty()) {
            return;
        }
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("update outbox_event set published_at = now() where id = any(?)")) {
            Array array = c.createArrayOf("bigint", ids.toArray());
            s.setArray(1, array);
            s.executeUpdate();
        }
    }

    private record Pending(long id, String eventId, String topic, String key, String ceType, String time, String payload) {

        ProducerRecord<String, String> toRecord(String source) {
            RecordHeaders headers = new RecordHeaders();
            header(headers, "ce_specversion", "1.0");
            header(headers, "ce_id", eventId);
            header(headers, "ce_source", "/portcullis/" + source);
            header(headers, "ce_type", ceType);
            header(headers, "ce_time", time);
            header(headers, "ce_subject", key);
            header(headers, "ce_partitionkey", key);
            header(headers, "content-type", "application/json");
            return new ProducerRecord<>(topic, null, key, payload, headers);
        }

        private static void header(RecordHeaders headers, String name, String value) {
            headers.add(name, value.getBytes(StandardCharsets.UTF_8));
        }
    }
}

package dev.portcullis.backbone.outbox;

import dev.portcullis.backbone.config.PortcullisSettings;
import dev.portcullis.backbone.kafka.KafkaClients;
import dev.portcullis.backbone.trace.Traces;
import dev.portcullis.backbone.work.BackgroundWorker;
import dev.portcullis.events.EventType;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Publishes outbox rows to Kafka as binary-mode CloudEvents, keyed by the aggregate (the guest id on
 * guest topics), one Kafka transaction per batch: a batch is visible to read_committed consumers
 * whole or not at all, so an outage in the middle of a batch neither reorders nor duplicates what
 * they see.
 * <p>
 * <b>Once on the topic.</b> A relay killed between Kafka's commit and marking its rows leaves events
 * on Kafka that the database still calls pending. So before a new producer publishes anything (on
 * start, on taking the lease over, after any failure), and once its {@code initTransactions} has
 * settled its predecessor's open transaction, the relay reads the topics of the pending rows from the
 * oldest one's time ({@link AlreadyPublished}) and marks the rows it finds there as published instead
 * of sending them again. Consumers still de-duplicate on {@code ce_id}, for what no relay controls.
 * <p>
 * <b>Order with many writers.</b> Only the instance holding the {@link RelayLease} publishes. A batch
 * takes whole keys: every pending row of each key it takes, in {@code (key_seq, id)} order, which is
 * the order the key's transactions committed (see {@link Outbox}); a later row of a key is only
 * visible once every earlier one is, so a batch never publishes a key's event before an earlier
 * one. All holders use the same transactional id: a new holder's producer fences the old one's, so
 * an instance that lost its lease without knowing cannot commit anything after its successor began.
 * <p>
 * A row Kafka refuses for good (too large, topic invalid or not authorized) is parked with the
 * reason, counted, and left for an operator; the batch goes again at once without it, so it holds
 * back no other key. Which row it was is only certain in a batch of one: a refusal aborts the
 * transaction, and Kafka fails the batch's other records with the same error. So a batch refused
 * for good is sent again one row per transaction, in order, until the row Kafka refuses alone is
 * parked.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    private static final int BATCH = 500;
    /**
     * guest-removed names the address every service erases, inventory's own outbox included: once on Kafka its row is forgotten, not
     * kept for the outbox's retention (the other published rows naming the address went when it was written).
     */
    private static final String ERASED_ONCE_PUBLISHED = EventType.GUEST_REMOVED.ceType();
    /** Marks rows published (%s: which, one array parameter; then the erased type, then the array again). */
    private static final String MARK_PUBLISHED = "with gone as (delete from outbox_event where %1$s and ce_type = ? returning id)"
            + " update outbox_event set published_at = now() where %1$s and id not in (select id from gone)";
    /**
     * The next batch: the keys in the order of their first pending row, each key's rows in its own order. The keys are those of
     * the first BATCH pending rows by id (index outbox_event_pending_by_id, which carries the key), not found by grouping every
     * pending row: those keys are the first ones in that order, and they hold at least BATCH pending rows, so the batch is the
     * same, at a cost that does not grow with the backlog. The keys are materialized and each one's rows read through a lateral
     * join, so that no plan can start from the pending rows themselves: with statistics taken while the queue was empty (one
     * pending row, as the planner then believes) a plain join did, and rescanned the keys for each of 100,000 pending rows (18 s a
     * pass behind a partner's block; 4 ms once analyzed). For the same reason the by-id index holds only rows with {@code id > 0}
     * (all of them): a key's rows, read without that condition, can only come from the (record_key, key_seq, id) index, where a
     * by-id scan filtered on the key took 20 s.
     */
    static final String PENDING = "with pending_keys as materialized (select record_key, min(id) as first_id from ("
            + " select record_key, id from outbox_event where published_at is null and parked_at is null and id > 0 order by id limit " + BATCH
            + ") first_rows group by record_key)"
            + " select o.id, o.event_id, o.topic, o.record_key, o.ce_type, o.occurred_at, o.payload, o.traceparent"
            + " from pending_keys k cross join lateral (select * from outbox_event e where e.record_key = k.record_key"
            + " and e.published_at is null and e.parked_at is null order by e.key_seq, e.id limit " + BATCH + ") o"
            + " order by k.first_id, o.key_seq, o.id limit " + BATCH;

    @Inject
    AgroalDataSource dataSource;

    /** The Kafka client settings every SmallRye channel gets (kafka.* in the configuration): bootstrap, security, SASL, TLS. */
    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaConfig;

    @Inject
    MeterRegistry metrics;

    @ConfigProperty(name = "quarkus.application.name")
    String serviceName;

    @Inject
    PortcullisSettings settings;

    @Inject
    Traces traces;

    @Inject
    KafkaClients kafkaClients;

    private KafkaProducer<String, String> producer;
    /** Whether the rows the current producer's predecessors committed to Kafka are marked: false for each new producer. */
    private boolean predecessorsSettled;
    /** How many of the next rows go one per transaction, to find the one a refused batch held (see the class comment). */
    private int singleRowPasses;
    private BackgroundWorker worker;
    private RelayLease lease;
    private Counter published;
    private Counter failures;
    private Counter parked;
    /** Each topic's timer, found once: looked up in the registry, it was a builder, an id and a lookup for every row published. */
    private final Map<String, Timer> publishDelay = new java.util.concurrent.ConcurrentHashMap<>();

    void start(@Observes StartupEvent event) {
        published = metrics.counter("portcullis.outbox.published");
        failures = metrics.counter("portcullis.outbox.relay.failures");
        parked = metrics.counter("portcullis.outbox.parked");
        Duration pollInterval = settings.outbox().pollInterval();
        PortcullisSettings.Database database = settings.platform().database();
        worker = new BackgroundWorker(serviceName + "-outbox-relay", this::publishBatch, pollInterval, Duration.ofSeconds(5));
        lease = new RelayLease(database.url(), database.user(), database.password(), pollInterval, settings.outbox().leaseTimeout(), this::wake, () -> LOG.info("outbox relay standing by"));
        worker.start();
        lease.start(serviceName + "-outbox-lease");
    }

    void stop(@Observes ShutdownEvent event) {
        if (lease != null) {
            lease.stop();
        }
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

    /** Whether this instance is the one publishing the outbox now. */
    public boolean active() {
        return lease != null && lease.held();
    }

    /**
     * Publishes up to one batch in one Kafka transaction; returns true if more may wait. If anything
     * fails the transaction is aborted — read_committed consumers see none of the batch — the
     * producer is replaced, and the same rows go again after a back-off.
     */
    boolean publishBatch() throws Exception {
        if (!active()) {
            discardProducer();
            return false;
        }
        List<Pending> rows = pending();
        if (rows.isEmpty()) {
            return false;
        }
        if (!predecessorsSettled) {
            producerOrFail();
            markAlreadyPublished();
            predecessorsSettled = true;
            rows = pending();
            if (rows.isEmpty()) {
                return true;
            }
        }
        if (singleRowPasses > 0) {
            rows = rows.subList(0, 1);
            singleRowPasses--;
        }
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        // one span per event, continuing the trace of the request or consumer that wrote it (a no-op when tracing is off)
        List<Span> spans = new ArrayList<>(rows.size());
        try {
            KafkaProducer<String, String> kafka = producer();
            kafka.beginTransaction();
            for (Pending row : rows) {
                Span span = traces.start("publish " + row.topic(), SpanKind.PRODUCER, row.traceparent());
                span.setAttribute("messaging.system", "kafka");
                span.setAttribute("messaging.destination.name", row.topic());
                span.setAttribute("messaging.message.id", row.eventId());
                spans.add(span);
                String traceparent = Traces.traceparent(span);
                sent.add(kafka.send(row.toRecord(serviceName, traceparent != null ? traceparent : row.traceparent())));
            }
            kafka.commitTransaction();
            spans.forEach(Span::end);
        } catch (Exception e) {
            spans.forEach(span -> {
                Traces.failed(span, e);
                span.end();
            });
            discardProducer();
            List<Refused> refused = refusedForGood(rows, sent, e);
            if (refused.size() == 1 && rows.size() == 1) {
                park(refused);
                singleRowPasses = 0; // found: whole batches again (another such row is found the same way)
                return true;
            }
            if (!refused.isEmpty()) {
                // the others failed with the refused row's error: find it, one row per transaction
                singleRowPasses = rows.size();
                return true;
            }
            failures.increment();
            throw new IllegalStateException(rows.size() + " outbox events not published; Kafka: " + e.getMessage(), e);
        }
        try {
            markPublished(rows.stream().map(Pending::id).toList());
        } catch (SQLException | RuntimeException e) {
            // on Kafka but not marked: the next producer finds them there before it publishes again
            discardProducer();
            failures.increment();
            throw e;
        }
        Instant now = Instant.now();
        for (Pending row : rows) {
            publishDelay.computeIfAbsent(row.topic(), topic -> Timer.builder("portcullis.outbox.publish.delay")
                    .description("from the event's commit to its Kafka commit").tag("topic", topic).publishPercentileHistogram()
                    .register(metrics)).record(Duration.between(row.occurredAt(), now));
        }
        published.increment(rows.size());
        LOG.debugf("outbox published=%d", rows.size());
        return rows.size() == BATCH || singleRowPasses > 0;
    }

    /** The rows Kafka will never take, with the reason: a record that failed (or could not be sent) for a reason no retry changes. */
    private static List<Refused> refusedForGood(List<Pending> rows, List<Future<RecordMetadata>> sent, Exception failure) {
        List<Refused> refused = new ArrayList<>();
        for (int i = 0; i < sent.size(); i++) {
            Future<RecordMetadata> future = sent.get(i);
            if (future.isDone()) {
                try {
                    future.get();
                } catch (ExecutionException e) {
                    if (isPermanent(e.getCause())) {
                        refused.add(new Refused(rows.get(i).id(), e.getCause().toString()));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                    // cancelled: not a verdict on the record
                }
            }
        }
        if (refused.isEmpty() && sent.size() < rows.size() && isPermanent(failure)) {
            refused.add(new Refused(rows.get(sent.size()).id(), failure.toString()));
        }
        return refused;
    }

    private static boolean isPermanent(Throwable e) {
        return e instanceof RecordTooLargeException || e instanceof RecordBatchTooLargeException || e instanceof InvalidTopicException
                || e instanceof TopicAuthorizationException;
    }

    private void producerOrFail() {
        try {
            producer();
        } catch (RuntimeException e) {
            discardProducer();
            failures.increment();
            throw new IllegalStateException("no transactional producer; Kafka: " + e.getMessage(), e);
        }
    }

    /** Marks the pending rows whose events are already on their topic (see the class comment); returns how many. */
    private int markAlreadyPublished() throws SQLException {
        Map<String, Instant> oldestPending = new HashMap<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement("select topic, min(created_at)"
                + " from outbox_event where published_at is null and parked_at is null group by topic"); ResultSet r = s.executeQuery()) {
            while (r.next()) {
                oldestPending.put(r.getString(1), r.getTimestamp(2).toInstant());
            }
        }
        Properties config = kafkaClients.config(ConsumerConfig.configNames());
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, serviceName + "-outbox-check");
        UUID[] onKafka = AlreadyPublished.eventIds(config, oldestPending, Duration.ofSeconds(30)).stream()
                .map(OutboxRelay::uuidOrNull).filter(Objects::nonNull).toArray(UUID[]::new);
        if (onKafka.length == 0) {
            return 0;
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(MARK_PUBLISHED.formatted(
                "published_at is null and parked_at is null and event_id = any(?)"))) {
            Array published = c.createArrayOf("uuid", onKafka);
            s.setArray(1, published);
            s.setString(2, ERASED_ONCE_PUBLISHED);
            s.setArray(3, published);
            int marked = s.executeUpdate();
            if (marked > 0) {
                LOG.warnf("outbox: %d event(s) an earlier relay committed to Kafka without marking them are marked published, not sent again", marked);
            }
            return marked;
        }
    }

    private static UUID uuidOrNull(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The transactional producer, created (and its transactions initialised, which fences any earlier holder's) on first use. */
    private KafkaProducer<String, String> producer() {
        if (producer == null) {
            Properties config = new Properties();
            config.putAll(kafkaConfig);
            config.remove("group.id");
            config.put(ProducerConfig.CLIENT_ID_CONFIG, serviceName + "-outbox");
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
        predecessorsSettled = false;
        if (producer != null) {
            producer.close(Duration.ZERO);
            producer = null;
        }
    }

    /**
     * {@link #PENDING}, planned afresh at each pass, never as a server-side prepared statement: a plan PostgreSQL caches for the
     * connection is kept until the table's statistics change, and one made while the outbox was empty (a new platform, whose
     * statistics say so) scans the whole table, for the batch and again for each of its keys: 15-20 s a pass once 30,000 events
     * were waiting, until autovacuum's next analyze. Planning it costs about a millisecond a pass.
     */
    static PreparedStatement pendingStatement(Connection c) throws SQLException {
        PreparedStatement s = c.prepareStatement(PENDING);
        s.unwrap(org.postgresql.PGStatement.class).setPrepareThreshold(0);
        return s;
    }

    private List<Pending> pending() throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = pendingStatement(c)) {
            List<Pending> rows = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    rows.add(new Pending(r.getLong(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5),
                            r.getTimestamp(6).toInstant(), r.getString(7), r.getString(8)));
                }
            }
            return rows;
        }
    }

    private void markPublished(List<Long> ids) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(MARK_PUBLISHED.formatted("id = any(?)"))) {
            Array array = c.createArrayOf("bigint", ids.toArray());
            s.setArray(1, array);
            s.setString(2, ERASED_ONCE_PUBLISHED);
            s.setArray(3, array);
            s.executeUpdate();
        }
    }

    private void park(List<Refused> refused) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("update outbox_event set parked_at = now(), last_error = ? where id = ?")) {
            for (Refused row : refused) {
                s.setString(1, row.reason().length() > 2000 ? row.reason().substring(0, 2000) : row.reason());
                s.setLong(2, row.id());
                s.addBatch();
                LOG.errorf("outbox event row=%d parked: Kafka refuses it for good: %s", row.id(), row.reason());
            }
            s.executeBatch();
        }
        parked.increment(refused.size());
    }

    private record Refused(long id, String reason) {
    }

    private record Pending(long id, String eventId, String topic, String key, String ceType, Instant occurredAt, String payload,
            String traceparent) {

        ProducerRecord<String, String> toRecord(String source, String traceparent) {
            RecordHeaders headers = new RecordHeaders();
            header(headers, "ce_specversion", "1.0");
            header(headers, "ce_id", eventId);
            header(headers, "ce_source", "/portcullis/" + source);
            header(headers, "ce_type", ceType);
            header(headers, "ce_time", occurredAt.toString());
            header(headers, "ce_subject", key);
            header(headers, "ce_partitionkey", key);
            header(headers, "content-type", "application/json");
            if (traceparent != null) {
                // the CloudEvents distributed-tracing extension, and the W3C header that Kafka instrumentations read
                header(headers, "ce_traceparent", traceparent);
                header(headers, "traceparent", traceparent);
            }
            return new ProducerRecord<>(topic, null, key, payload, headers);
        }

        private static void header(RecordHeaders headers, String name, String value) {
            headers.add(name, value.getBytes(StandardCharsets.UTF_8));
        }
    }
}

package dev.portcullis.policy.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.backbone.work.BackgroundWorker;
import dev.portcullis.policy.engine.Decision;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.jboss.logging.Logger;

/**
 * The decision log, off the decision's path: a decision is queued in memory (never waiting for the
 * database) and a worker writes the queue in batches. If the queue is full — the database is down
 * long enough — new entries are dropped and counted ({@code portcullis.decisions.log.dropped}), so
 * that logging never slows or stops a decision; a killed instance loses what it had not written
 * (at most about a second's worth).
 */
@ApplicationScoped
public class DecisionLog {

    private static final Logger LOG = Logger.getLogger(DecisionLog.class);
    private static final int CAPACITY = 20_000;
    private static final int BATCH = 500;
    private static final SecureRandom RANDOM = new SecureRandom();

    @Inject
    AgroalDataSource dataSource;

    @Inject
    ObjectMapper json;

    @Inject
    Clock clock;

    @Inject
    MeterRegistry metrics;

    private final BlockingQueue<Entry> queue = new ArrayBlockingQueue<>(CAPACITY);
    private BackgroundWorker worker;
    private Counter dropped;

    /** What is kept of one decision. */
    public record Entry(UUID id, Instant decidedAt, String caller, String subjectType, String subjectId, String action, String resourceType,
            String resourceId, Decision decision) {
    }

    void start(@Observes StartupEvent event) {
        dropped = metrics.counter("portcullis.decisions.log.dropped");
        worker = new BackgroundWorker("decision-log", this::writeBatch, Duration.ofMillis(500), Duration.ofSeconds(5));
        worker.start();
    }

    void stop(@Observes ShutdownEvent event) {
        if (worker != null) {
            worker.stop();
        }
    }

    /** Queues the decision for the log; its id, which the answer names (a decision dropped from a full queue has none in the log). */
    public UUID record(String caller, String subjectType, String subjectId, String action, String resourceType, String resourceId,
            Decision decision) {
        Instant now = clock.instant();
        metrics.counter("portcullis.decisions", "decision", String.valueOf(decision.decision())).increment();
        UUID id = timeOrderedId(now);
        if (!queue.offer(new Entry(id, now, caller, subjectType, subjectId, action, resourceType, resourceId, decision))) {
            dropped.increment();
        }
        return id;
    }

    /** Writes up to a batch; returns true when more wait. A failure leaves the batch to the next pass (the worker backs off). */
    boolean writeBatch() throws Exception {
        List<Entry> batch = new ArrayList<>(BATCH);
        queue.drainTo(batch, BATCH);
        if (batch.isEmpty()) {
            return false;
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement("insert into decision_log (id, decided_at, caller,"
                + " subject_type, subject_id, action, resource_type, resource_id, decision, reasons, policies) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (Entry e : batch) {
                s.setObject(1, e.id());
                s.setTimestamp(2, Timestamp.from(e.decidedAt()));
                s.setString(3, e.caller());
                s.setString(4, e.subjectType());
                s.setString(5, e.subjectId());
                s.setString(6, e.action());
                s.setString(7, e.resourceType());
                s.setString(8, e.resourceId());
                s.setBoolean(9, e.decision().decision());
                s.setString(10, write(e.decision().context().reasons()));
                s.setString(11, write(e.decision().context().policies()));
                s.addBatch();
            }
            s.executeBatch();
        } catch (Exception e) {
            // put them back in front of newer entries where there is room; what does not fit is dropped and counted
            List<Entry> newer = new ArrayList<>();
            queue.drainTo(newer);
            for (Entry entry : batch) {
                if (!queue.offer(entry)) {
                    dropped.increment();
                }
            }
            for (Entry entry : newer) {
                if (!queue.offer(entry)) {
                    dropped.increment();
                }
            }
            LOG.warnf("decision log: %d entries not written yet: %s", batch.size(), e.toString());
            throw e;
        }
        return queue.size() >= BATCH;
    }

    private String write(Object value) throws JsonProcessingException {
        return json.writeValueAsString(value);
    }

    /** A UUID whose first 48 bits are the time in milliseconds (the layout of UUIDv7): the database orders them by time. */
    static UUID timeOrderedId(Instant at) {
        long millis = at.toEpochMilli();
        long high = (millis << 16) | 0x7000L | (RANDOM.nextInt() & 0x0FFFL);
        long low = (RANDOM.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low);
    }
}

package dev.portcullis.backbone.inbox;

import dev.portcullis.backbone.config.PortcullisSettings;
import dev.portcullis.backbone.trace.Traces;
import dev.portcullis.backbone.work.Failures;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Applies a consumed event at most once: its id is recorded in the same transaction as its effect,
 * so a redelivery finds the id and changes nothing.
 * <p>
 * A failure that will pass (PostgreSQL restarting, a deadlock, a lock timeout) is retried here,
 * with back-off, for as long as it lasts: the consumer thread waits on this record (or batch), so
 * nothing after it on the partition is applied first and no offset is committed past it. Only a
 * record that can never apply (not a CloudEvent, breaks its schema, refused by the domain) goes to
 * the topic's dead-letter topic with the reason, written by {@link DeadLetterWriter} (one path, for {@link #apply} and
 * {@link #applyAll} alike; SmallRye's failure strategy is only the backstop for what fails outside the inbox). A failure of unknown kind (a
 * bug) is retried for {@code portcullis.inbox.unknown-failure-retry}, then dead-lettered, so that a
 * bug cannot stall a partition forever; the re-drive endpoint brings it back once fixed.
 */
@ApplicationScoped
public class Inbox {

    private static final Logger LOG = Logger.getLogger(Inbox.class);

    @Inject
    EntityManager em;

    @Inject
    MeterRegistry metrics;

    @Inject
    DeadLetterWriter deadLetters;

    @Inject
    Traces traces;

    @ConfigProperty(name = "quarkus.application.name")
    String consumer;

    @Inject
    PortcullisSettings settings;

    private volatile boolean stopping;

    void stop(@Observes ShutdownEvent event) {
        stopping = true;
    }

    /**
     * Applies one record in a transaction of its own; a record that can never apply is written to its dead-letter topic here,
     * with the reason. Returns false when the event had been applied before, or was dead-lettered.
     */
    public boolean apply(ConsumerRecord<String, String> record, Consumer<IncomingEvent> handler) {
        return apply(record, handler, null);
    }

    private boolean apply(ConsumerRecord<String, String> record, Consumer<IncomingEvent> handler, Runnable beforeCommit) {
        RuntimeException refused;
        try {
            IncomingEvent event = IncomingEvent.of(record);
            return retrying(record, "event=" + event.id() + " type=" + event.ceType(), settings.inbox().unknownFailureRetry(),
                    () -> applyOnce(event, handler, beforeCommit));
        } catch (RuntimeException e) {
            refused = e;
        }
        deadLetter(record, refused);
        return false;
    }

    /**
     * Applies the records of one poll, in order, in a single transaction: one inbox insert per event
     * and one commit for all of them, instead of a transaction, a pooled connection and a WAL flush
     * per event (the read models receive about twenty events per partner signal). A transient failure
     * retries the whole batch, in order. If one record can never apply, the batch is rolled back and
     * applied record by record, each in its own transaction, and only the records that still fail are
     * written to the dead-letter topic here; the others are applied. Nothing propagates, so the batch
     * is acknowledged only when every record in it is applied or dead-lettered.
     */
    public void applyAll(ConsumerRecords<String, String> records, Consumer<IncomingEvent> handler) {
        applyAll(records, handler, null);
    }

    /**
     * {@link #applyAll(ConsumerRecords, Consumer)}, then {@code beforeCommit} in each transaction, once its events are handled: for
     * what a handler gathers over a poll and writes at once (a read model's revocations of one guest, told to their observers in one
     * statement instead of one per grant). It runs in every transaction that handled an event, the record-by-record pass's too.
     */
    public void applyAll(ConsumerRecords<String, String> records, Consumer<IncomingEvent> handler, Runnable beforeCommit) {
        List<ConsumerRecord<String, String>> batch = new ArrayList<>(records.count());
        records.forEach(batch::add);
        if (batch.isEmpty()) {
            return;
        }
        try {
            ConsumerRecord<String, String> first = batch.get(0);
            // unknown failures are not waited out here: the record-by-record pass below finds the record and waits on it alone
            retrying(first, "batch of " + batch.size() + " from offset " + first.offset(), Duration.ZERO,
                    () -> applyBatchOnce(batch, handler, beforeCommit));
        } catch (RuntimeException refused) {
            LOG.warnf("a batch of %d records from %s could not be applied together (%s): applying them one by one", batch.size(),
                    batch.get(0).topic(), Failures.rootMessage(refused));
            for (ConsumerRecord<String, String> record : batch) {
                apply(record, handler, beforeCommit);
            }
        }
    }

    /** Writes a record that can never apply to its dead-letter topic; while Kafka does not take it, waits and tries again. */
    private void deadLetter(ConsumerRecord<String, String> record, RuntimeException refused) {
        LOG.errorf("record %s/%d/%d can never be applied, dead-lettering it: %s", record.topic(), record.partition(), record.offset(),
                Failures.rootMessage(refused));
        long backoffMillis = 100;
        while (true) {
            try {
                deadLetters.send(record, refused);
                return;
            } catch (RuntimeException kafkaDown) {
                if (stopping) {
                    holdUntilExit(record);
                }
                LOG.warnf("dead letter of %s/%d/%d not written (%s), retrying in %d ms", record.topic(), record.partition(), record.offset(),
                        Failures.rootMessage(kafkaDown), backoffMillis);
                backoffMillis = pause(backoffMillis, record);
            }
        }
    }

    /**
     * Runs {@code action}, retrying a transient failure with back-off for as long as it lasts and a
     * failure of unknown kind for {@code unknownFor}; a permanent failure, or an unknown one past that,
     * propagates.
     */
    private <T> T retrying(ConsumerRecord<String, String> record, String what, Duration unknownFor, Supplier<T> action) {
        long started = System.nanoTime();
        long backoffMillis = 100;
        for (int attempt = 1; ; attempt++) {
            try {
                return action.get();
            } catch (RuntimeException e) {
                Failures.Kind kind = Failures.classify(e);
                boolean givingUp = kind == Failures.Kind.PERMANENT
                        || (kind == Failures.Kind.UNKNOWN && System.nanoTime() - started >= unknownFor.toNanos());
                if (givingUp) {
                    throw e;
                }
                if (stopping) {
                    holdUntilExit(record);
                }
                metrics.counter("portcullis.inbox.retries", "topic", record.topic(), "kind", kind.name().toLowerCase()).increment();
                LOG.warnf("%s topic=%s partition=%d offset=%d attempt=%d failed (%s), retrying in %d ms: %s", what, record.topic(),
                        record.partition(), record.offset(), attempt, kind, backoffMillis, Failures.rootMessage(e));
                backoffMillis = pause(backoffMillis, record);
            }
        }
    }

    private long pause(long backoffMillis, ConsumerRecord<String, String> record) {
        try {
            Thread.sleep(backoffMillis);
        } catch (InterruptedException interrupted) {
            holdUntilExit(record);
        }
        return Math.min(backoffMillis * 2, settings.inbox().maxBackoff().toMillis());
    }

    /**
     * The service is stopping while this record still cannot be applied. Neither acknowledging it (it
     * would be lost) nor failing it (it would be dead-lettered though nothing is wrong with it) is
     * right: the thread waits here until the process ends, the offset stays uncommitted, and the
     * record is delivered again to whichever instance takes the partition.
     */
    private void holdUntilExit(ConsumerRecord<String, String> record) {
        LOG.warnf("stopping with topic=%s partition=%d offset=%d not applied: it will be delivered again", record.topic(),
                record.partition(), record.offset());
        while (true) {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException ignored) {
                // stopping anyway: only the end of the process ends this wait
            }
        }
    }

    private boolean applyOnce(IncomingEvent event, Consumer<IncomingEvent> handler, Runnable beforeCommit) {
        return QuarkusTransaction.requiringNew().call(() -> {
            boolean handled = claimAndHandle(event, handler);
            if (handled && beforeCommit != null) {
                beforeCommit.run();
            }
            return handled;
        });
    }

    /**
     * The whole poll in one transaction: every event id claimed in one statement, then each event the claim took handled in
     * order. One round trip for the batch's claims instead of one per event; an id already applied (a redelivery), or twice in
     * the batch (a relay's takeover may publish an event again), is handled at most once.
     */
    private boolean applyBatchOnce(List<ConsumerRecord<String, String>> batch, Consumer<IncomingEvent> handler, Runnable beforeCommit) {
        return QuarkusTransaction.requiringNew().call(() -> {
            List<IncomingEvent> events = batch.stream().map(IncomingEvent::of).toList();
            Set<String> claimed = claim(events);
            boolean handledAny = false;
            for (IncomingEvent event : events) {
                if (claimed.remove(event.id())) {
                    handle(event, handler);
                    handledAny = true;
                } else {
                    LOG.debugf("inbox duplicate event=%s type=%s skipped", event.id(), event.ceType());
                }
            }
            if (handledAny && beforeCommit != null) {
                beforeCommit.run();
            }
            return true;
        });
    }

    private boolean claimAndHandle(IncomingEvent event, Consumer<IncomingEvent> handler) {
        if (claim(List.of(event)).isEmpty()) {
            LOG.debugf("inbox duplicate event=%s type=%s skipped", event.id(), event.ceType());
            return false;
        }
        handle(event, handler);
        return true;
    }

    /** Claims the events' ids for this consumer; returns those not claimed before (by this transaction or an earlier one). */
    @SuppressWarnings("unchecked")
    private Set<String> claim(List<IncomingEvent> events) {
        // no flush first: the claim touches no table a handler writes, and a native statement would otherwise flush (dirty-check)
        // everything the batch's handlers made so far
        List<Object> taken = em.createNativeQuery("insert into inbox_event (consumer, event_id, ce_type) select ?1, e.id, e.type"
                        + " from unnest(cast(?2 as text[]), cast(?3 as text[])) as e(id, type) on conflict do nothing returning event_id")
                .setFlushMode(jakarta.persistence.FlushModeType.COMMIT)
                .setParameter(1, consumer)
                .setParameter(2, events.stream().map(IncomingEvent::id).toArray(String[]::new))
                .setParameter(3, events.stream().map(IncomingEvent::ceType).toArray(String[]::new))
                .getResultList();
        return new HashSet<>((List<String>) (List<?>) taken);
    }

    private void handle(IncomingEvent event, Consumer<IncomingEvent> handler) {
        // the event's trace goes on here: what the handler writes to the outbox (and logs) belongs to it
        Span span = traces.start("consume " + event.ceType(), SpanKind.CONSUMER, event.traceparent());
        span.setAttribute("messaging.system", "kafka");
        span.setAttribute("messaging.message.id", event.id());
        span.setAttribute("messaging.consumer.group.name", consumer);
        try (Scope current = span.makeCurrent(); Traces.LogContext log = Traces.logContext(event.guestId(), span)) {
            handler.accept(event);
        } catch (RuntimeException e) {
            Traces.failed(span, e);
            throw e;
        } finally {
            span.end();
        }
    }
}

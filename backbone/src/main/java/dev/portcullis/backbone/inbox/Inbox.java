package dev.portcullis.backbone.inbox;

import dev.portcullis.backbone.work.Failures;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Applies a consumed event at most once: its id is recorded in the same transaction as its effect,
 * so a redelivery finds the id and changes nothing.
 * <p>
 * A failure that will pass (PostgreSQL restarting, a deadlock, a lock timeout) is retried here,
 * with back-off, for as long as it lasts: the consumer thread waits on this record, so nothing
 * after it on the partition is applied first and no offset is committed past it. Only a record that
 * can never apply (not a CloudEvent, breaks its schema, refused by the domain) propagates, and
 * SmallRye sends it to the channel's dead-letter topic with the reason. A failure of unknown kind (a
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

    @ConfigProperty(name = "quarkus.application.name")
    String consumer;

    @ConfigProperty(name = "portcullis.inbox.unknown-failure-retry", defaultValue = "PT1M")
    Duration unknownFailureRetry;

    @ConfigProperty(name = "portcullis.inbox.max-backoff", defaultValue = "PT5S")
    Duration maxBackoff;

    private volatile boolean stopping;

    void stop(@Observes ShutdownEvent event) {
        stopping = true;
    }

    /** Returns false when the event had been applied before. */
    public boolean apply(ConsumerRecord<String, String> record, Consumer<IncomingEvent> handler) {
        IncomingEvent event = IncomingEvent.of(record);
        long started = System.nanoTime();
        long backoffMillis = 100;
        for (int attempt = 1; ; attempt++) {
            try {
                return applyOnce(event, handler);
            } catch (RuntimeException e) {
                Failures.Kind kind = Failures.classify(e);
                boolean givingUp = kind == Failures.Kind.PERMANENT
                        || (kind == Failures.Kind.UNKNOWN && System.nanoTime() - started > unknownFailureRetry.toNanos());
                if (givingUp) {
                    throw e;
                }
                if (stopping) {
                    holdUntilExit(event, record);
                }
                metrics.counter("portcullis.inbox.retries", "topic", record.topic(), "kind", kind.name().toLowerCase()).increment();
                LOG.warnf("event=%s type=%s topic=%s partition=%d offset=%d attempt=%d failed (%s), retrying in %d ms: %s", event.id(),
                        event.ceType(), record.topic(), record.partition(), record.offset(), attempt, kind, backoffMillis, Failures.rootMessage(e));
                try {
                    Thread.sleep(backoffMillis);
                } catch (InterruptedException interrupted) {
                    holdUntilExit(event, record);
                }
                backoffMillis = Math.min(backoffMillis * 2, maxBackoff.toMillis());
            }
        }
    }

    /**
     * The service is stopping while this record still cannot be applied. Neither acknowledging it (it
     * would be lost) nor failing it (it would be dead-lettered though nothing is wrong with it) is
     * right: the thread waits here until the process ends, the offset stays uncommitted, and the
     * record is delivered again to whichever instance takes the partition.
     */
    private void holdUntilExit(IncomingEvent event, ConsumerRecord<String, String> record) {
        LOG.warnf("stopping with event=%s topic=%s partition=%d offset=%d not applied: it will be delivered again", event.id(),
                record.topic(), record.partition(), record.offset());
        while (true) {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException ignored) {
                // stopping anyway: only the end of the process ends this wait
            }
        }
    }

    private boolean applyOnce(IncomingEvent event, Consumer<IncomingEvent> handler) {
        return QuarkusTransaction.requiringNew().call(() -> {
            int claimed = em.createNativeQuery(
                    "insert into inbox_event (consumer, event_id, ce_type) values (?1, ?2, ?3) on conflict do nothing")
                    .setParameter(1, consumer)
                    .setParameter(2, event.id())
                    .setParameter(3, event.ceType())
                    .executeUpdate();
            if (claimed == 0) {
                LOG.debugf("inbox duplicate event=%s type=%s skipped", event.id(), event.ceType());
                return false;
            }
            handler.accept(event);
            return true;
        });
    }

}

package dev.portcullis.backbone.work;

import dev.portcullis.backbone.config.PortcullisSettings;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Clock;
import org.jboss.logging.Logger;

/**
 * Keeps the outbox, inbox and idempotency tables from growing forever: published events, old applied ids and old request results
 * go; and any table a service names as {@link Kept} (the policy decision log), past its own retention.
 */
@ApplicationScoped
public class Retention {

    /**
     * A service's own table of records that age out: rows whose {@code timeColumn} is older than {@code keep} are deleted (a
     * null time never ages). A service names one with a {@code @Produces @Singleton} method; names are the code's own, never input.
     */
    public record Kept(String table, String timeColumn, java.time.Duration keep) {
    }

    @Inject
    jakarta.enterprise.inject.Instance<Kept> kept;

    private static final Logger LOG = Logger.getLogger(Retention.class);

    @Inject
    EntityManager em;

    @Inject
    Clock clock;

    @Inject
    PortcullisSettings settings;

    @Scheduled(every = "1h", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void prune() {
        int outbox = QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery(
                "delete from outbox_event where published_at < ?1").setParameter(1, clock.instant().minus(settings.outbox().retention())).executeUpdate());
        int inbox = QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery(
                "delete from inbox_event where applied_at < ?1").setParameter(1, clock.instant().minus(settings.inbox().retention())).executeUpdate());
        // kept results of Idempotency-Key requests live a day (IdempotencyKeys.RETENTION); a claim that never got a result, as long
        int keys = QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery(
                "delete from idempotency_key where created_at < ?1").setParameter(1, clock.instant().minus(java.time.Duration.ofHours(24))).executeUpdate());
        if (outbox + inbox + keys > 0) {
            LOG.infof("retention pruned outbox=%d inbox=%d idempotencyKeys=%d", outbox, inbox, keys);
        }
        for (Kept table : kept) {
            pruneKept(table);
        }
    }

    /** Deletes the rows of {@code table} past its retention; returns how many went. Names are the code's own, never input. */
    public int pruneKept(Kept table) {
        int pruned = QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery("delete from " + table.table() + " where "
                + table.timeColumn() + " < ?1").setParameter(1, clock.instant().minus(table.keep())).executeUpdate());
        if (pruned > 0) {
            LOG.infof("retention pruned %s=%d (kept %s)", table.table(), pruned, table.keep());
        }
        return pruned;
    }
}

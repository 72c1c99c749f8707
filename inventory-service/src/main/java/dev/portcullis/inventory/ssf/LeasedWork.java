package dev.portcullis.inventory.ssf;

import dev.portcullis.backbone.work.BackgroundWorker;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * A background worker over rows an instance takes under a lease ({@code claimed_by}, {@code claimed_until}): taken with
 * {@code skip locked}, so several instances share the rows and none works on a row another holds; handed back when done; run
 * out when the holder was killed. The pusher of our streams and the poller of partners' streams work this way.
 */
abstract class LeasedWork {

    /** This instance, as it signs its leases. */
    protected final String instance = UUID.randomUUID().toString();
    private BackgroundWorker worker;

    /** One pass over what this instance could take; true when more is waiting. */
    protected abstract boolean pass() throws Exception;

    protected void start(String name, Duration idle, Duration maxBackoff) {
        worker = new BackgroundWorker(name, this::pass, idle, maxBackoff);
        worker.start();
    }

    protected void stop() {
        if (worker != null) {
            worker.stop();
        }
    }

    void wake() {
        if (worker != null) {
            worker.wake();
        }
    }

    /**
     * Rows taken under one lease, and from when it runs: measured from just before the claim, so this instance's clock ends the
     * lease no later than the database's. Work on any of them starts only if it would end inside that lease: a row whose turn
     * comes late in a pass is handed back, not worked on while another instance may have taken it.
     */
    protected record Claimed(List<UUID> ids, long sinceNanos, Duration lease) {
        /** Whether work that may take up to {@code needed} would still end inside the lease. */
        boolean leaves(Duration needed) {
            return System.nanoTime() + needed.toNanos() < sinceNanos + lease.toNanos();
        }
    }

    /** Takes up to {@code limit} rows of {@code table} matching {@code where} whose lease is free, for {@code lease}. */
    @SuppressWarnings("unchecked")
    protected Claimed claim(EntityManager em, String table, String key, String where, Duration lease, int limit) {
        long since = System.nanoTime();
        List<UUID> ids = QuarkusTransaction.requiringNew().call(() -> (List<UUID>) em.createNativeQuery("update " + table + " set claimed_by = ?1,"
                + " claimed_until = now() + make_interval(secs => ?2) where " + key + " in (select " + key + " from " + table + " where (" + where
                + ") and (claimed_until is null or claimed_until < now()) order by " + key + " limit ?3 for update skip locked) returning " + key)
                .setParameter(1, instance).setParameter(2, lease.toMillis() / 1000.0).setParameter(3, limit).getResultList());
        return new Claimed(ids, since, lease);
    }

    /** Hands a row back, if this instance still holds it. */
    protected void release(EntityManager em, String table, String key, UUID id) {
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("update " + table + " set claimed_by = null, claimed_until = null where "
                + key + " = ?1 and claimed_by = ?2").setParameter(1, id).setParameter(2, instance).executeUpdate());
    }
}

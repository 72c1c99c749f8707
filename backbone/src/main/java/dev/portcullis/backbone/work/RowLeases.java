package dev.portcullis.backbone.work;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * Rows of one table that an instance takes under a lease (columns {@code claimed_by} and {@code claimed_until}): taken with
 * {@code for update skip locked}, so several instances share the rows and none works on a row another holds; handed back when
 * done; run out when the holder was killed, and then another instance takes them. The pusher of our SET streams, the poller of
 * partners' streams and the mail sender share their work this way.
 */
public final class RowLeases {

    private final String table;
    private final String key;
    private final String holder;

    /**
     * @param table the table whose rows are leased
     * @param key its key column (a uuid)
     * @param holder this instance, as it signs its leases
     */
    public RowLeases(String table, String key, String holder) {
        this.table = table;
        this.key = key;
        this.holder = holder;
    }

    /** Leases signed by a name made for this instance. */
    public RowLeases(String table, String key) {
        this(table, key, UUID.randomUUID().toString());
    }

    /**
     * Rows taken under one lease, and from when it runs: measured from just before the claim, so this instance's clock ends the
     * lease no later than the database's. Work on any of them starts only if it would end inside that lease: a row whose turn
     * comes late in a pass is handed back, not worked on while another instance may have taken it.
     */
    public record Claimed(List<UUID> ids, long sinceNanos, Duration lease) {
        /** Whether work that may take up to {@code needed} would still end inside the lease. */
        public boolean leaves(Duration needed) {
            return System.nanoTime() + needed.toNanos() < sinceNanos + lease.toNanos();
        }
    }

    /**
     * Takes, in a transaction of its own, up to {@code limit} rows matching {@code where} whose lease is free, first by
     * {@code orderBy}, for {@code lease}.
     */
    public Claimed claim(EntityManager em, String where, String orderBy, Duration lease, int limit) {
        long since = System.nanoTime();
        List<UUID> ids = QuarkusTransaction.requiringNew().call(() -> take(em, where, orderBy, lease, limit));
        return new Claimed(ids, since, lease);
    }

    /**
     * As {@link #claim}, and reads what was taken ({@code read}, given the ids) in the same transaction: if the read fails, the
     * claim rolls back with it instead of holding the rows until the lease runs out.
     */
    public <T> T claimAndRead(EntityManager em, String where, String orderBy, Duration lease, int limit, Function<List<UUID>, T> read) {
        return QuarkusTransaction.requiringNew().call(() -> read.apply(take(em, where, orderBy, lease, limit)));
    }

    @SuppressWarnings("unchecked")
    private List<UUID> take(EntityManager em, String where, String orderBy, Duration lease, int limit) {
        return em.createNativeQuery("update " + table + " set claimed_by = ?1, claimed_until = now() + make_interval(secs => ?2) where " + key
                        + " in (select " + key + " from " + table + " where (" + where + ") and (claimed_until is null or claimed_until < now())"
                        + " order by " + orderBy + " limit ?3 for update skip locked) returning " + key)
                .setParameter(1, holder).setParameter(2, lease.toMillis() / 1000.0).setParameter(3, limit).getResultList();
    }

    /** Hands a row back, if this instance still holds it. */
    public void release(EntityManager em, UUID id) {
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("update " + table + " set claimed_by = null, claimed_until = null where "
                + key + " = ?1 and claimed_by = ?2").setParameter(1, id).setParameter(2, holder).executeUpdate());
    }
}

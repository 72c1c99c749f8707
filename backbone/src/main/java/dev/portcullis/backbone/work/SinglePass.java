package dev.portcullis.backbone.work;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

/**
 * "Only one instance does this pass": a PostgreSQL advisory lock named by the pass, held until the calling transaction ends (so a
 * killed holder's lock goes with its connection). Every instance of a service runs its scheduled passes; the one that takes the
 * lock does the work, the others skip it ({@link #tryTake}) or wait their turn ({@link #take}).
 */
@ApplicationScoped
public class SinglePass {

    @Inject
    EntityManager em;

    /** Whether this transaction now holds the pass {@code name}; false: another instance is doing it, skip it. */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean tryTake(String name) {
        return (Boolean) em.createNativeQuery("select pg_try_advisory_xact_lock(hashtextextended(?1, 0))").setParameter(1, name).getSingleResult();
    }

    /** Waits until this transaction holds the pass {@code name}: for work that must not overlap but must not be skipped either. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void take(String name) {
        em.createNativeQuery("select 1 from (select pg_advisory_xact_lock(hashtextextended(?1, 0))) locked").setParameter(1, name).getSingleResult();
    }
}

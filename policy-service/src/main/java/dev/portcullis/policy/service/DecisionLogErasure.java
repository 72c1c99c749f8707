package dev.portcullis.policy.service;

import dev.portcullis.readmodel.GuestErased;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

/**
 * A removed guest's address leaves the decision log too, in the transaction that applies {@code guest-removed} (told by the read
 * model): as the subject or the resource of a decision, and in a denial's reasons. The decisions stay, about the erased
 * placeholder, as the audit's evidence of what was decided when.
 */
@ApplicationScoped
public class DecisionLogErasure {

    private static final Logger LOG = Logger.getLogger(DecisionLogErasure.class);

    @Inject
    EntityManager em;

    @Transactional(Transactional.TxType.MANDATORY)
    void erase(@Observes GuestErased guest) {
        if (guest.email() == null) {
            return;
        }
        int decisions = em.createNativeQuery("""
                update decision_log set subject_id = case when lower(subject_id) = ?1 then ?2 else subject_id end,
                    resource_id = case when lower(resource_id) = ?1 then ?2 else resource_id end,
                    reasons = regexp_replace(reasons, ?3, ?2, 'gi')
                where lower(subject_id) = ?1 or lower(resource_id) = ?1 or strpos(lower(reasons), ?1) > 0""")
                .setParameter(1, guest.address()).setParameter(2, guest.erased()).setParameter(3, guest.addressPattern()).executeUpdate();
        LOG.infof("guest=%s removed: %d decisions erased", guest.guestId(), decisions);
    }
}

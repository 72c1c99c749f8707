package dev.portcullis.review.domain;

import dev.portcullis.readmodel.GuestErased;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

/**
 * A removed guest's personal data leaves review-service too, in the transaction that applies {@code guest-removed}: the requests
 * they made (their address and name as requester, and as the one who submitted it), the reviews they decided of their own access
 * (SELF reviews: reviewer and decider); the read model forgets the published events that held the address. The decisions
 * themselves stay: who decided is now the erased placeholder, {@code <guest id>@erased.invalid}.
 */
@ApplicationScoped
public class GuestErasure {

    private static final Logger LOG = Logger.getLogger(GuestErasure.class);

    @Inject
    EntityManager em;

    @Transactional(Transactional.TxType.MANDATORY)
    void erase(@Observes GuestErased guest) {
        if (guest.email() == null) {
            return;
        }
        String address = guest.address();
        String erased = guest.erased();
        int requests = em.createNativeQuery("""
                update access_request set requester_email = ?2,
                    requester = jsonb_set(regexp_replace(requester::text, ?3, ?2, 'gi')::jsonb, '{displayName}', 'null'::jsonb),
                    submitted_by = case when lower(submitted_by) = ?1 then ?2 else submitted_by end
                where lower(requester_email) = ?1 or lower(submitted_by) = ?1""").setParameter(1, address).setParameter(2, erased)
                .setParameter(3, guest.addressPattern()).executeUpdate();
        int reviews = 0;
        for (String table : new String[] {"review_item", "review_stage_decision"}) {
            reviews += em.createNativeQuery("update " + table + " set reviewers = array_replace(reviewers, ?1, ?2),"
                    + " decided_by = case when lower(decided_by) = ?1 then ?2 else decided_by end where ?1 = any(reviewers) or lower(decided_by) = ?1")
                    .setParameter(1, address).setParameter(2, erased).executeUpdate();
        }
        em.createNativeQuery("update access_request_decision set decided_by = ?2 where lower(decided_by) = ?1").setParameter(1, address)
                .setParameter(2, erased).executeUpdate();
        LOG.infof("guest=%s removed: %d requests and %d reviews erased", guest.guestId(), requests, reviews);
    }
}

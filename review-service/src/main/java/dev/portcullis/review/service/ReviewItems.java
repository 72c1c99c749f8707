package dev.portcullis.review.service;

import dev.portcullis.readmodel.GrantRevoked;
import dev.portcullis.readmodel.KnownGrant;
import dev.portcullis.backbone.rest.BadRequestProblem;
import dev.portcullis.review.domain.ReviewItem;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.jboss.logging.Logger;

/** Review items: opened for a grant and a reviewer, closed when the grant ends before anyone decided. */
@ApplicationScoped
public class ReviewItems {

    private static final Logger LOG = Logger.getLogger(ReviewItems.class);

    @Inject
    Clock clock;

    /** Opens an item for a grant this service knows; campaigns will be the caller. */
    @Transactional
    public ReviewItem open(UUID grantId, String reviewer) {
        KnownGrant grant = KnownGrant.<KnownGrant>findByIdOptional(grantId)
                .orElseThrow(() -> new BadRequestProblem("grantId", "names no grant known to review-service"));
        ReviewItem item = new ReviewItem();
        item.id = UUID.randomUUID();
        item.grantId = grant.grantId;
        item.guestId = grant.guestId;
        item.resourceId = grant.resourceId;
        item.reviewer = reviewer.toLowerCase(Locale.ROOT);
        item.state = ReviewItem.State.OPEN;
        item.openedAt = clock.instant();
        item.persist();
        return item;
    }

    /** Runs inside the transaction that applies the access-revoked event (and records it in the inbox). */
    void onGrantRevoked(@Observes GrantRevoked revoked) {
        List<ReviewItem> open = ReviewItem.openOfGrant(revoked.grantId());
        for (ReviewItem item : open) {
            item.closeWithoutDecision("ACCESS_REVOKED", revoked.causeId(), clock.instant());
            LOG.infof("review item=%s closed grant=%s guest=%s reason=%s cause=%s", item.id, revoked.grantId(), revoked.guestId(),
                    revoked.reason(), revoked.causeId());
        }
    }

    public List<ReviewItem> pendingFor(String reviewer) {
        return ReviewItem.list("lower(reviewer) = ?1 and state = ?2 order by openedAt", reviewer.toLowerCase(Locale.ROOT), ReviewItem.State.OPEN);
    }
}

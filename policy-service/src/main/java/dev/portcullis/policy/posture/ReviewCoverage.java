package dev.portcullis.policy.posture;

import dev.portcullis.backbone.inbox.Inbox;
import dev.portcullis.events.EventType;
import dev.portcullis.events.ReviewDecisionRecorded;
import dev.portcullis.events.Topic;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * {@code review-decision-recorded} from {@code review.decisions}: the last decision on each grant, so that the posture can say
 * which share of the access was decided in a campaign lately, and which was never reviewed. A decision older than the one kept
 * (a redelivery, a change of mind read out of order) changes nothing.
 */
@ApplicationScoped
public class ReviewCoverage {

    @Inject
    Inbox inbox;

    @Inject
    EntityManager em;

    @Incoming(Topic.Channels.REVIEW_DECISIONS)
    @Blocking
    public void consume(ConsumerRecord<String, String> record) {
        inbox.apply(record, event -> {
            if (event.type().orElse(null) == EventType.REVIEW_DECISION_RECORDED) {
                ReviewDecisionRecorded decided = event.as(ReviewDecisionRecorded.class);
                em.createNativeQuery("insert into grant_review (grant_id, last_decided_at, last_decision, campaign_id) values (?1, ?2, ?3, ?4)"
                        + " on conflict (grant_id) do update set last_decided_at = excluded.last_decided_at, last_decision = excluded.last_decision,"
                        + " campaign_id = excluded.campaign_id where grant_review.last_decided_at <= excluded.last_decided_at")
                        .setParameter(1, UUID.fromString(decided.grantId())).setParameter(2, decided.decidedAt())
                        .setParameter(3, decided.decision()).setParameter(4, UUID.fromString(decided.campaignId())).executeUpdate();
            }
        });
    }
}

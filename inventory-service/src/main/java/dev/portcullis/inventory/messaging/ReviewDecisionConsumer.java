package dev.portcullis.inventory.messaging;

import dev.portcullis.backbone.inbox.Inbox;
import dev.portcullis.events.EventType;
import dev.portcullis.events.ReviewDecisionRecorded;
import dev.portcullis.events.Topic;
import dev.portcullis.inventory.service.AuditTrail;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * {@code review-decision-recorded} from {@code review.decisions}: each reviewer's decision joins the audit trail beside the grant
 * it judges (REVIEW_DECISION_RECORDED, the reviewer as actor, the campaign as cause), so that the trail, and the evidence drawn
 * from it, shows every review of a guest's access under the same hash chain as the grant and its end. Once per event (the inbox).
 */
@ApplicationScoped
public class ReviewDecisionConsumer {

    @Inject
    Inbox inbox;

    @Inject
    AuditTrail audit;

    @Incoming(Topic.Channels.REVIEW_DECISIONS)
    @Blocking
    public void consume(ConsumerRecord<String, String> record) {
        inbox.apply(record, event -> {
            if (event.type().orElse(null) == EventType.REVIEW_DECISION_RECORDED) {
                ReviewDecisionRecorded decided = event.as(ReviewDecisionRecorded.class);
                audit.record(AuditTrail.change("REVIEW_DECISION_RECORDED", decided.reviewer()).guestId(UUID.fromString(decided.guestId()))
                        .resource(UUID.fromString(decided.resourceId())).target(UUID.fromString(decided.grantId())).reason(decided.justification())
                        .cause(decided.campaignId()).detail("decision", decided.decision()).detail("campaign", decided.campaignName())
                        .detail("recommendation", decided.recommendation()).detail("recommendationReason", decided.recommendationReason())
                        .detail("decidedAt", decided.decidedAt()).detail("reviewItem", decided.itemId()));
            }
        });
    }
}

package dev.portcullis.inventory.messaging;

import dev.portcullis.backbone.inbox.Inbox;
import dev.portcullis.events.EventType;
import dev.portcullis.events.ReviewDecisionRecorded;
import dev.portcullis.events.Topic;
import dev.portcullis.inventory.domain.Guest;
import dev.portcullis.inventory.domain.GuestState;
import dev.portcullis.inventory.domain.Partner;
import dev.portcullis.inventory.service.AuditTrail;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Locale;
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
                UUID guestId = UUID.fromString(decided.guestId());
                Guest guest = Guest.findById(guestId);
                boolean self = attestsThemselves(guest, decided.reviewer());
                AuditTrail.Change change = AuditTrail.change("REVIEW_DECISION_RECORDED", self ? "guest:" + guestId : decided.reviewer());
                if (self && guest.state != GuestState.REMOVED) {
                    change.guest(guest); // their address, sealed with their key: erased with them
                } else {
                    change.guestId(guestId);
                }
                audit.record(change
                        .resource(UUID.fromString(decided.resourceId())).target(UUID.fromString(decided.grantId())).reason(decided.justification())
                        .cause(decided.campaignId()).detail("decision", decided.decision()).detail("campaign", decided.campaignName())
                        .detail("recommendation", decided.recommendation()).detail("recommendationReason", decided.recommendationReason())
                        .detail("decidedAt", decided.decidedAt()).detail("reviewItem", decided.itemId()));
            }
        });
    }

    /**
     * Whether the reviewer is the guest themselves (a SELF review), or any person of their partner: then their address is a data
     * subject's, which the trail keeps only sealed, so the actor is named by the guest's id. Checked by the partner's domains too, so
     * that a decision read after the guest's removal (their address erased here already) does not write it back.
     */
    private static boolean attestsThemselves(Guest guest, String reviewer) {
        if (guest == null || reviewer == null) {
            return false;
        }
        String address = reviewer.toLowerCase(Locale.ROOT);
        if (address.equalsIgnoreCase(guest.email)) {
            return true;
        }
        Partner partner = guest.partnerId == null ? null : Partner.findById(guest.partnerId);
        return partner != null && partner.domains.contains(address.substring(address.indexOf('@') + 1));
    }
}

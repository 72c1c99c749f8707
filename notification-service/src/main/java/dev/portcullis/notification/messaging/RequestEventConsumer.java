package dev.portcullis.notification.messaging;

import dev.portcullis.backbone.inbox.Inbox;
import dev.portcullis.events.AccessRequestDecided;
import dev.portcullis.events.ApprovalRequested;
import dev.portcullis.events.EventType;
import dev.portcullis.events.Topic;
import dev.portcullis.notification.service.RequestNotices;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Reads review-service's access-request events: each approver's turn ({@code approval-requested}) and each outcome ({@code access-request-decided}). */
@ApplicationScoped
public class RequestEventConsumer {

    @Inject
    Inbox inbox;

    @Inject
    RequestNotices notices;

    @Incoming(Topic.Channels.REVIEW_REQUESTS)
    @Blocking
    public void consume(ConsumerRecords<String, String> records) {
        inbox.applyAll(records, event -> {
            if (event.type().orElse(null) == EventType.APPROVAL_REQUESTED) {
                notices.approvalRequested(event.as(ApprovalRequested.class), event.id());
            } else if (event.type().orElse(null) == EventType.ACCESS_REQUEST_DECIDED) {
                notices.decided(event.as(AccessRequestDecided.class), event.id());
            }
        });
    }
}

package dev.portcullis.inventory.messaging;

import dev.portcullis.backbone.inbox.Inbox;
import dev.portcullis.events.AccessRequestApproved;
import dev.portcullis.events.EventType;
import dev.portcullis.events.Topic;
import dev.portcullis.inventory.service.RequestDeliveries;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * {@code access-request-approved} from {@code review.requests}: review-service approved a request and
 * inventory-service, which owns guests and grants, delivers it. The other events of the topic are
 * recorded by the inbox and otherwise ignored. One record at a time: a delivery asks policy-service,
 * and a slow answer should hold up one request, not a batch.
 */
@ApplicationScoped
public class AccessRequestConsumer {

    @Inject
    Inbox inbox;

    @Inject
    RequestDeliveries deliveries;

    @Incoming(Topic.Channels.REVIEW_REQUESTS)
    @Blocking
    public void consume(ConsumerRecord<String, String> record) {
        inbox.apply(record, event -> {
            if (event.type().orElse(null) == EventType.ACCESS_REQUEST_APPROVED) {
                deliveries.deliver(event.as(AccessRequestApproved.class));
            }
        });
    }
}

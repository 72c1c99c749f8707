package dev.portcullis.review.messaging;

import dev.portcullis.backbone.inbox.Inbox;
import dev.portcullis.events.AccessRequestRefused;
import dev.portcullis.events.EventType;
import dev.portcullis.events.Topic;
import dev.portcullis.review.service.AccessRequests;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * {@code access-request-refused} from {@code inventory.deliveries}: inventory-service could not deliver
 * an approved request, which then FAILED. (A delivered one is seen grant by grant on inventory.access,
 * through the read model.)
 */
@ApplicationScoped
public class DeliveryOutcomeConsumer {

    @Inject
    Inbox inbox;

    @Inject
    AccessRequests requests;

    @Incoming(Topic.Channels.INVENTORY_DELIVERIES)
    @Blocking
    public void consume(ConsumerRecords<String, String> records) {
        inbox.applyAll(records, event -> {
            if (event.type().orElse(null) == EventType.ACCESS_REQUEST_REFUSED) {
                requests.refused(event.as(AccessRequestRefused.class));
            }
        });
    }
}

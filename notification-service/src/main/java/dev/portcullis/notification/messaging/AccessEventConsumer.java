package dev.portcullis.notification.messaging;

import dev.portcullis.backbone.inbox.Inbox;
import dev.portcullis.events.AccessExpiring;
import dev.portcullis.events.AccessRevoked;
import dev.portcullis.events.EventType;
import dev.portcullis.events.Topic;
import dev.portcullis.notification.service.RevocationNotices;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Reads {@code access-expiring} (inventory's expiry job, 14 days and 1 day before a grant ends) for the sponsors' reminders, and
 * {@code access-revoked} for the grants that end one by one (a block's are told with its guest-blocked); the rest of inventory.access
 * tells nobody.
 */
@ApplicationScoped
public class AccessEventConsumer {

    @Inject
    Inbox inbox;

    @Inject
    RevocationNotices notices;

    @Incoming(Topic.Channels.INVENTORY_ACCESS)
    @Blocking
    public void consume(ConsumerRecords<String, String> records) {
        inbox.applyAll(records, event -> {
            if (event.type().orElse(null) == EventType.ACCESS_EXPIRING) {
                notices.expiring(event.as(AccessExpiring.class), event.id());
            } else if (event.type().orElse(null) == EventType.ACCESS_REVOKED) {
                notices.revoked(event.as(AccessRevoked.class), event.id());
            }
        });
    }
}

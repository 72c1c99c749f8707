package dev.portcullis.notification.messaging;

import dev.portcullis.backbone.inbox.Inbox;
import dev.portcullis.events.EventType;
import dev.portcullis.events.GuestBlocked;
import dev.portcullis.events.GuestRemoved;
import dev.portcullis.events.Topic;
import dev.portcullis.notification.service.RevocationNotices;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Reads {@code guest-blocked}: the one event per guest and cause that lists every grant revoked,
 * so that sponsors and owners get one message per cause instead of one per grant; and
 * {@code guest-removed}, which erases the guest from the messages about them.
 */
@ApplicationScoped
public class GuestEventConsumer {

    @Inject
    Inbox inbox;

    @Inject
    RevocationNotices notices;

    @Incoming(Topic.Channels.INVENTORY_GUESTS)
    @Blocking
    public void consume(ConsumerRecords<String, String> records) {
        inbox.applyAll(records, event -> {
            if (event.type().orElse(null) == EventType.GUEST_BLOCKED) {
                notices.plan(event.as(GuestBlocked.class), event.id());
            } else if (event.type().orElse(null) == EventType.GUEST_REMOVED) {
                GuestRemoved removed = event.as(GuestRemoved.class);
                notices.erase(removed);
                notices.removed(removed, event.id());
            }
        });
    }
}

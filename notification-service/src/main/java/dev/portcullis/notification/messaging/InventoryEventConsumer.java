package dev.portcullis.notification.messaging;

import dev.portcullis.backbone.inbox.Inbox;
import dev.portcullis.events.AccessExpiring;
import dev.portcullis.events.AccessRevoked;
import dev.portcullis.events.EventType;
import dev.portcullis.events.GuestBlocked;
import dev.portcullis.events.GuestRemoved;
import dev.portcullis.notification.service.RevocationNotices;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Reads inventory.guests and inventory.access in one channel, so that a block's events (its {@code guest-blocked} and its
 * {@code access-revoked}) are one poll and one transaction:
 * <ul>
 * <li>{@code guest-blocked}: the one event per guest and cause that lists every grant revoked, so that sponsors and owners get
 * one message per cause instead of one per grant (a partner organization's block: one message for all its guests);</li>
 * <li>{@code guest-removed}, which erases the guest from the messages about them;</li>
 * <li>{@code access-expiring} (inventory's expiry job, 14 days and 1 day before a grant ends), for the sponsors' reminders;</li>
 * <li>{@code access-revoked}, for the grants that end one by one (a block's are told with its {@code guest-blocked}).</li>
 * </ul>
 * The rest of those topics tells nobody.
 */
@ApplicationScoped
public class InventoryEventConsumer {

    /** The channel over inventory.guests and inventory.access (application.properties). */
    public static final String CHANNEL = "inventory-events";

    @Inject
    Inbox inbox;

    @Inject
    RevocationNotices notices;

    @Incoming(CHANNEL)
    @Blocking
    public void consume(ConsumerRecords<String, String> records) {
        inbox.applyAll(records, event -> {
            EventType type = event.type().orElse(null);
            if (type == EventType.GUEST_BLOCKED) {
                notices.plan(event.as(GuestBlocked.class), event.id());
            } else if (type == EventType.GUEST_REMOVED) {
                GuestRemoved removed = event.as(GuestRemoved.class);
                notices.erase(removed);
                notices.removed(removed, event.id());
            } else if (type == EventType.ACCESS_EXPIRING) {
                notices.expiring(event.as(AccessExpiring.class), event.id());
            } else if (type == EventType.ACCESS_REVOKED) {
                notices.revoked(event.as(AccessRevoked.class), event.id());
            }
        }, notices::beforeCommit);
    }
}

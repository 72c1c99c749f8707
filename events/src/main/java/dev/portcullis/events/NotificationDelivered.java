package dev.portcullis.events;

import java.time.Instant;

public record NotificationDelivered(
        String notificationId,
        String recipient,
        String type,
        String subject,
        String causeId,
        Instant deliveredAt) implements EventPayload {

    @Override
    public EventType eventType() {
        return EventType.NOTIFICATION_DELIVERED;
    }

    @Override
    public String key() {
        return recipient;
    }
}

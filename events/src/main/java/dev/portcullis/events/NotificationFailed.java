package dev.portcullis.events;

import java.time.Instant;

/** A message that will not be delivered: the SMTP server refused it for good (5xx), or every attempt failed. */
public record NotificationFailed(
        String notificationId,
        String recipient,
        String type,
        String subject,
        String causeId,
        int attempts,
        String error,
        Instant failedAt) implements EventPayload {

    @Override
    public EventType eventType() {
        return EventType.NOTIFICATION_FAILED;
    }

    @Override
    public String key() {
        return recipient;
    }
}

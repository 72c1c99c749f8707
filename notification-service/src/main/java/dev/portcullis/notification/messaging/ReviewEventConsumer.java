package dev.portcullis.notification.messaging;

import dev.portcullis.backbone.inbox.Inbox;
import dev.portcullis.events.CampaignCompleted;
import dev.portcullis.events.EventType;
import dev.portcullis.events.ReviewReminderDue;
import dev.portcullis.events.ReviewerAssigned;
import dev.portcullis.events.Topic;
import dev.portcullis.notification.service.ReviewNotices;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Reads review-service's campaign events: each reviewer's digest ({@code reviewer-assigned}) and reminder ({@code review-reminder-due}). */
@ApplicationScoped
public class ReviewEventConsumer {

    @Inject
    Inbox inbox;

    @Inject
    ReviewNotices notices;

    @Incoming(Topic.Channels.REVIEW_CAMPAIGNS)
    @Blocking
    public void consume(ConsumerRecords<String, String> records) {
        inbox.applyAll(records, event -> {
            if (event.type().orElse(null) == EventType.REVIEWER_ASSIGNED) {
                notices.digest(event.as(ReviewerAssigned.class), event.id());
            } else if (event.type().orElse(null) == EventType.REVIEW_REMINDER_DUE) {
                notices.reminder(event.as(ReviewReminderDue.class), event.id());
            } else if (event.type().orElse(null) == EventType.CAMPAIGN_COMPLETED) {
                notices.completed(event.as(CampaignCompleted.class), event.id());
            }
        });
    }
}

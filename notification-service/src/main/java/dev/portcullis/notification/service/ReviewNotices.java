package dev.portcullis.notification.service;

import dev.portcullis.events.ReviewReminderDue;
import dev.portcullis.events.ReviewerAssigned;
import dev.portcullis.notification.domain.Notification;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.util.Map;

/**
 * A reviewer's messages about a campaign: one digest when it (or a later stage of it) starts, however many items they have, and
 * one reminder per reminder day while items are still pending. Keyed by recipient and cause, so a
 * redelivered event plans nothing twice.
 */
@ApplicationScoped
public class ReviewNotices {

    @Inject
    Messages messages;

    @Transactional(Transactional.TxType.MANDATORY)
    public boolean digest(ReviewerAssigned event, String eventId) {
        String items = items(event.itemCount());
        return messages.plan(event.reviewer(), Notification.Type.REVIEW_ASSIGNED, cause(event.campaignId(), event.stage()),
                "Please review " + items + " by " + Messages.dayAndTime(event.deadline()) + ": " + event.campaignName(),
                Map.of("campaign", event.campaignName(), "items", items, "deadline", Messages.dayAndTime(event.deadline()), "link", event.reviewLink()),
                eventId, Messages.About.NOBODY);
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public boolean reminder(ReviewReminderDue event, String eventId) {
        String items = items(event.pendingCount());
        return messages.plan(event.reviewer(), Notification.Type.REVIEW_REMINDER,
                cause(event.campaignId(), event.stage()) + ":reminder:" + event.daysBeforeEnd(),
                "Reminder: " + items + " still to review by " + Messages.dayAndTime(event.deadline()) + ": " + event.campaignName(),
                Map.of("campaign", event.campaignName(), "items", items, "deadline", Messages.dayAndTime(event.deadline()), "link", event.reviewLink()),
                eventId, Messages.About.NOBODY);
    }

    private static String items(int count) {
        return count == 1 ? "1 guest access" : count + " guest accesses";
    }

    /** A campaign's stage: its first is the campaign itself. */
    private static String cause(String campaignId, int stage) {
        return "campaign:" + campaignId + (stage > 1 ? ":stage:" + stage : "");
    }
}

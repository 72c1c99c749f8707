package dev.portcullis.notification.service;

import dev.portcullis.events.CampaignCompleted;
import dev.portcullis.events.ReviewReminderDue;
import dev.portcullis.events.ReviewerAssigned;
import dev.portcullis.notification.config.NotificationSettings;
import dev.portcullis.notification.domain.Notification;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A reviewer's messages about a campaign: one digest when it (or a later stage of it) starts, however many items they have, and
 * one reminder per reminder day while items are still pending. Keyed by recipient and cause, so a
 * redelivered event plans nothing twice.
 */
@ApplicationScoped
public class ReviewNotices {

    @Inject
    Messages messages;

    @Inject
    NotificationSettings settings;

    @Transactional(Transactional.TxType.MANDATORY)
    public boolean digest(ReviewerAssigned event, String eventId) {
        String items = items(event.itemCount());
        return messages.plan(event.reviewer(), Notification.Type.REVIEW_ASSIGNED, cause(event.campaignId(), event.stage()),
                Map.of("campaign", event.campaignName(), "items", items, "deadline", Messages.dayAndTime(event.deadline()), "link", event.reviewLink()),
                eventId, Messages.About.NOBODY);
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public boolean reminder(ReviewReminderDue event, String eventId) {
        String items = items(event.pendingCount());
        return messages.plan(event.reviewer(), Notification.Type.REVIEW_REMINDER,
                cause(event.campaignId(), event.stage()) + ":reminder:" + event.daysBeforeEnd(),
                Map.of("campaign", event.campaignName(), "items", items, "deadline", Messages.dayAndTime(event.deadline()), "link", event.reviewLink()),
                eventId, Messages.About.NOBODY);
    }

    /** The campaign's summary, to its owner and the configured admins: once each. */
    @Transactional(Transactional.TxType.MANDATORY)
    public int completed(CampaignCompleted event, String eventId) {
        Set<String> recipients = new LinkedHashSet<>();
        if (event.owner() != null && event.owner().contains("@")) {
            recipients.add(event.owner().toLowerCase(Locale.ROOT));
        }
        settings.campaignSummaryTo().ifPresent(admins -> admins.forEach(a -> recipients.add(a.toLowerCase(Locale.ROOT))));
        CampaignCompleted.Counts counts = event.counts();
        String revocation = counts.denied() == 0 ? "Nothing will be revoked."
                : event.applyHeld() ? counts.denied() + " denied access(es) are held, not revoked: " + event.applyHeldReason()
                : event.autoApply() ? counts.denied() + " denied access(es) will be revoked now."
                : counts.denied() + " denied access(es) will be revoked once an admin applies the outcome.";
        int planned = 0;
        for (String recipient : recipients) {
            Map<String, Object> data = new java.util.HashMap<>();
            data.put("campaign", event.name());
            data.put("total", counts.total());
            data.put("approved", counts.approved());
            data.put("denied", counts.denied());
            data.put("notReviewed", counts.notReviewed());
            data.put("revokedElsewhere", counts.revokedElsewhere());
            data.put("revocation", revocation);
            planned += messages.plan(recipient, Notification.Type.CAMPAIGN_COMPLETED, "campaign:" + event.campaignId() + ":completed",
                    data, eventId,
                    Messages.About.NOBODY) ? 1 : 0;
        }
        return planned;
    }

    private static String items(int count) {
        return count == 1 ? "1 guest access" : count + " guest accesses";
    }

    /** A campaign's stage: its first is the campaign itself. */
    private static String cause(String campaignId, int stage) {
        return "campaign:" + campaignId + (stage > 1 ? ":stage:" + stage : "");
    }
}

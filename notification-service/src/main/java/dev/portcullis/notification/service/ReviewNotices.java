package dev.portcullis.notification.service;

import dev.portcullis.backbone.work.AfterCommit;
import dev.portcullis.events.ReviewReminderDue;
import dev.portcullis.events.ReviewerAssigned;
import dev.portcullis.notification.domain.Notification;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.jboss.logging.Logger;

/**
 * A reviewer's messages about a campaign: one digest when it (or a later stage of it) starts, however many items they have, and
 * one reminder per reminder day while items are still pending. Keyed by recipient and cause, so a
 * redelivered event plans nothing twice.
 */
@ApplicationScoped
public class ReviewNotices {

    private static final Logger LOG = Logger.getLogger(ReviewNotices.class);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("EEEE d MMMM yyyy, HH:mm 'UTC'", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    @Inject
    Clock clock;

    @Inject
    AfterCommit afterCommit;

    @Inject
    MailSender sender;

    @Transactional(Transactional.TxType.MANDATORY)
    public boolean digest(ReviewerAssigned event, String eventId) {
        String items = event.itemCount() == 1 ? "1 guest access" : event.itemCount() + " guest accesses";
        return plan(event.reviewer(), Notification.Type.REVIEW_ASSIGNED, cause(event.campaignId(), event.stage()),
                "Please review " + items + " by " + DAY.format(event.deadline()) + ": " + event.campaignName(),
                "You are a reviewer in the access review \"" + event.campaignName() + "\".\n\n"
                        + "You have " + items + " to confirm or remove, by " + DAY.format(event.deadline()) + ".\n"
                        + "Each comes with a recommendation and its reason; you can accept them all at once.\n\n"
                        + "Review them here: " + event.reviewLink() + "\n\n"
                        + "What you leave undecided follows the review's default when it ends.\n",
                eventId);
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public boolean reminder(ReviewReminderDue event, String eventId) {
        String items = event.pendingCount() == 1 ? "1 guest access" : event.pendingCount() + " guest accesses";
        return plan(event.reviewer(), Notification.Type.REVIEW_REMINDER, cause(event.campaignId(), event.stage()) + ":reminder:" + event.daysBeforeEnd(),
                "Reminder: " + items + " still to review by " + DAY.format(event.deadline()) + ": " + event.campaignName(),
                "The access review \"" + event.campaignName() + "\" ends " + DAY.format(event.deadline()) + ".\n\n"
                        + "You still have " + items + " to decide.\n\n"
                        + "Review them here: " + event.reviewLink() + "\n",
                eventId);
    }

    /** A campaign's stage: its first is the campaign itself. */
    private static String cause(String campaignId, int stage) {
        return "campaign:" + campaignId + (stage > 1 ? ":stage:" + stage : "");
    }

    private boolean plan(String reviewer, Notification.Type type, String cause, String subject, String body, String eventId) {
        String recipient = reviewer.toLowerCase(Locale.ROOT);
        if (Notification.count("recipient = ?1 and causeId = ?2", recipient, cause) > 0) {
            return false;
        }
        Notification n = Notification.pending(recipient, type, subject, body, cause, eventId, null, clock.instant());
        n.persist();
        afterCommit.runOnce(MailSender.class, sender::wake);
        LOG.infof("review message %s planned for %s (%s)", type, recipient, cause);
        return true;
    }
}

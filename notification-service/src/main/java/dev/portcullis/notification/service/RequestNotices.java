package dev.portcullis.notification.service;

import dev.portcullis.events.AccessRequestDecided;
import dev.portcullis.events.ApprovalRequested;
import dev.portcullis.notification.config.NotificationSettings;
import dev.portcullis.notification.domain.Notification;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.Map;
import java.util.UUID;

/**
 * The messages of an access request: one to each approver whose turn it is (again, to the fallback
 * approvers, when a stage escalates) with a reminder before the deadline, and one to the requester and each sponsor when it is decided
 * for good (approved, denied, expired, or refused at delivery). Keyed by recipient and cause, so a
 * redelivered event plans nothing twice.
 */
@ApplicationScoped
public class RequestNotices {

    @Inject
    Messages messages;

    @Inject
    NotificationSettings settings;

    /**
     * The approver's turn, and their reminder before the deadline: planned now, held until it is due, and cancelled
     * ({@link #decided}) once anyone decides the stage.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean approvalRequested(ApprovalRequested event, String eventId) {
        String stage = event.stages() > 1 ? " (stage " + event.stage() + " of " + event.stages() + ")" : "";
        String cause = "request:" + event.requestId() + ":stage:" + event.stage() + (event.escalated() ? ":escalated" : "");
        Map<String, Object> data = Map.of("requester", event.requesterEmail(), "package", event.packageName(), "stage", stage,
                "escalated", event.escalated(), "deadline", Messages.dayAndTime(event.deadline()), "justificationRequired",
                event.justificationRequired(), "link", event.link());
        boolean planned = messages.plan(event.approver(), Notification.Type.APPROVAL_REQUESTED, cause, data, eventId,
                about(event.guestId(), event.requesterEmail()));
        Duration before = settings.approvalReminderBefore();
        Instant remindAt = event.deadline().minus(before);
        if (planned && !remindAt.isBefore(event.requestedAt().plus(before))) {
            messages.planAt(event.approver(), Notification.Type.APPROVAL_REMINDER, cause + ":reminder", data,
                    eventId, about(event.guestId(), event.requesterEmail()), remindAt);
        }
        return planned;
    }

    /** Every reminder of one stage of a request starts so: {@code request:<id>:stage:<n>:}. */
    private static String stageCause(String requestId, int stage) {
        return "request:" + requestId + ":stage:" + stage + ":";
    }

    /** The reminders of a decided stage (or, once the request is over, of every stage) that are not due yet are not needed any more. */
    private int cancelReminders(AccessRequestDecided event) {
        String causes = "PENDING_APPROVAL".equals(event.state()) ? stageCause(event.requestId(), event.stage()) : "request:" + event.requestId() + ":stage:";
        return Notification.update("status = ?1, lastError = ?2 where status = ?3 and type = ?4 and causeId like ?5", Notification.Status.CANCELLED,
                "not needed: the stage was decided (" + event.state() + ")", Notification.Status.PENDING, Notification.Type.APPROVAL_REMINDER,
                causes + "%");
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public int decided(AccessRequestDecided event, String eventId) {
        cancelReminders(event);
        String outcome = switch (event.state()) {
            case "APPROVED" -> "was approved: you have the access until " + Messages.date(event.expiresAt()) + ".";
            case "DENIED" -> "was denied by " + event.decidedBy() + (event.justification() == null ? "." : ": " + event.justification());
            case "EXPIRED" -> "expired: nobody decided it before the deadline. You may ask again.";
            case "FAILED" -> "was approved, but could not be delivered"
                    + (event.justification() == null ? "." : ": " + event.justification());
            default -> null; // a stage along the way, or the requester's own cancellation: nothing to tell
        };
        if (outcome == null) {
            return 0;
        }
        Set<String> recipients = new LinkedHashSet<>();
        recipients.add(event.requesterEmail());
        recipients.addAll(event.sponsors());
        int planned = 0;
        for (String recipient : recipients) {
            boolean requester = recipient.equalsIgnoreCase(event.requesterEmail());
            planned += messages.plan(recipient, Notification.Type.ACCESS_REQUEST_DECIDED, "request:" + event.requestId() + ":decided",
                    Map.of("forRequester", requester, "requester", event.requesterEmail(), "package", event.packageName(), "outcome", outcome,
                            "state", event.state().toLowerCase(Locale.ROOT)),
                    eventId, about(event.guestId(), event.requesterEmail())) ? 1 : 0;
        }
        return planned;
    }

    /** The requester's address is personal data: a removed guest's messages are scrubbed of it (RevocationNotices.erase). */
    private static Messages.About about(String guestId, String requesterEmail) {
        return new Messages.About(guestId == null ? null : UUID.fromString(guestId), requesterEmail, null);
    }
}

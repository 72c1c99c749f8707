package dev.portcullis.notification.service;

import dev.portcullis.events.AccessRequestDecided;
import dev.portcullis.events.ApprovalRequested;
import dev.portcullis.notification.domain.Notification;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.Map;
import java.util.UUID;

/**
 * The messages of an access request: one to each approver whose turn it is (again, to the fallback
 * approvers, when a stage escalates), and one to the requester and each sponsor when it is decided
 * for good (approved, denied, expired, or refused at delivery). Keyed by recipient and cause, so a
 * redelivered event plans nothing twice.
 */
@ApplicationScoped
public class RequestNotices {

    @Inject
    Messages messages;

    @Transactional(Transactional.TxType.MANDATORY)
    public boolean approvalRequested(ApprovalRequested event, String eventId) {
        String stage = event.stages() > 1 ? " (stage " + event.stage() + " of " + event.stages() + ")" : "";
        return messages.plan(event.approver(), Notification.Type.APPROVAL_REQUESTED,
                "request:" + event.requestId() + ":stage:" + event.stage() + (event.escalated() ? ":escalated" : ""),
                "Please decide by " + Messages.dayAndTime(event.deadline()) + ": " + event.requesterEmail() + " asks for " + event.packageName(),
                Map.of("requester", event.requesterEmail(), "package", event.packageName(), "stage", stage, "escalated", event.escalated(),
                        "deadline", Messages.dayAndTime(event.deadline()), "justificationRequired", event.justificationRequired(), "link", event.link()),
                eventId, about(event.guestId(), event.requesterEmail()));
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public int decided(AccessRequestDecided event, String eventId) {
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
            String subject = (requester ? "Your request" : "The request of " + event.requesterEmail()) + " for " + event.packageName() + " "
                    + event.state().toLowerCase(Locale.ROOT);
            planned += messages.plan(recipient, Notification.Type.ACCESS_REQUEST_DECIDED, "request:" + event.requestId() + ":decided", subject,
                    Map.of("forRequester", requester, "requester", event.requesterEmail(), "package", event.packageName(), "outcome", outcome),
                    eventId, about(event.guestId(), event.requesterEmail())) ? 1 : 0;
        }
        return planned;
    }

    /** The requester's address is personal data: a removed guest's messages are scrubbed of it (RevocationNotices.erase). */
    private static Messages.About about(String guestId, String requesterEmail) {
        return new Messages.About(guestId == null ? null : UUID.fromString(guestId), requesterEmail, null);
    }
}

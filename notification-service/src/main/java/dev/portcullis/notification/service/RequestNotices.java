package dev.portcullis.notification.service;

import dev.portcullis.backbone.work.AfterCommit;
import dev.portcullis.events.AccessRequestDecided;
import dev.portcullis.events.ApprovalRequested;
import dev.portcullis.notification.domain.Notification;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * The messages of an access request: one to each approver whose turn it is (again, to the fallback
 * approvers, when a stage escalates), and one to the requester and each sponsor when it is decided
 * for good (approved, denied, expired, or refused at delivery). Keyed by recipient and cause, so a
 * redelivered event plans nothing twice.
 */
@ApplicationScoped
public class RequestNotices {

    private static final Logger LOG = Logger.getLogger(RequestNotices.class);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("EEEE d MMMM yyyy, HH:mm 'UTC'", Locale.ENGLISH).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("d MMMM yyyy", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    @Inject
    Clock clock;

    @Inject
    AfterCommit afterCommit;

    @Inject
    MailSender sender;

    @Transactional(Transactional.TxType.MANDATORY)
    public boolean approvalRequested(ApprovalRequested event, String eventId) {
        String stage = event.stages() > 1 ? " (stage " + event.stage() + " of " + event.stages() + ")" : "";
        return plan(event.approver(), Notification.Type.APPROVAL_REQUESTED,
                "request:" + event.requestId() + ":stage:" + event.stage() + (event.escalated() ? ":escalated" : ""),
                "Please decide by " + DAY.format(event.deadline()) + ": " + event.requesterEmail() + " asks for " + event.packageName(),
                event.requesterEmail() + " asks for the access package \"" + event.packageName() + "\"" + stage + ".\n\n"
                        + (event.escalated() ? "Nobody decided in time, so the request now waits for you too.\n\n" : "")
                        + "Please approve or deny it by " + DAY.format(event.deadline()) + (event.justificationRequired()
                                ? ", with a justification" : "") + ": " + event.link() + "\n\n"
                        + "The first approver to decide decides for everyone asked.\n",
                event.guestId(), event.requesterEmail(), eventId);
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public int decided(AccessRequestDecided event, String eventId) {
        String outcome = switch (event.state()) {
            case "APPROVED" -> "was approved: you have the access until " + DATE.format(event.expiresAt()) + ".";
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
            String body = (requester ? "Your request" : "The request of " + event.requesterEmail() + ", whom you sponsor,") + " for the access"
                    + " package \"" + event.packageName() + "\" " + outcome + "\n";
            planned += plan(recipient, Notification.Type.ACCESS_REQUEST_DECIDED, "request:" + event.requestId() + ":decided", subject, body,
                    event.guestId(), event.requesterEmail(), eventId) ? 1 : 0;
        }
        return planned;
    }

    private boolean plan(String to, Notification.Type type, String cause, String subject, String body, String guestId, String requesterEmail,
            String eventId) {
        String recipient = to.toLowerCase(Locale.ROOT);
        if (Notification.count("recipient = ?1 and causeId = ?2", recipient, cause) > 0) {
            return false;
        }
        Notification n = Notification.pending(recipient, type, subject, body, cause, eventId, guestId == null ? null : UUID.fromString(guestId),
                clock.instant());
        // the requester's address is personal data: a removed guest's messages are scrubbed of it (RevocationNotices.erase)
        n.guestEmail = requesterEmail;
        n.persist();
        afterCommit.runOnce(MailSender.class, sender::wake);
        LOG.infof("access request message %s planned for %s (%s)", type, recipient, cause);
        return true;
    }
}

package dev.portcullis.notification.domain;

import dev.portcullis.backbone.Ids;
import dev.portcullis.backbone.trace.Traces;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/** One message to one person about one cause, and what became of it. */
@Entity
@Table(name = "notification")
public class Notification extends PanacheEntityBase {

    /** SUPPRESSED: planned, but its recipient opted out of its type; never sent. */
    /**
     * SUPPRESSED: the recipient opted out; CANCELLED: no longer needed before it was due (a reminder of a stage someone decided);
     * HELD: waiting for the recipient's daily digest; DIGESTED: sent in one.
     */
    public enum Status { PENDING, SENT, FAILED, SUPPRESSED, CANCELLED, HELD, DIGESTED }

    public enum Type {
        /** To a sponsor: the guest they vouch for lost access. */
        GUEST_ACCESS_REVOKED,
        /** To a resource owner: a guest lost access to their resources. */
        RESOURCE_ACCESS_REVOKED,
        /**
         * To a sponsor or a resource owner: a partner organization was blocked; the guests of it they sponsor or who had their resources,
         * and what each lost, gathered in one message instead of one per guest.
         */
        ORGANIZATION_BLOCKED,
        /** To a reviewer: their one digest of a campaign, with the item count, the deadline and the link. */
        REVIEW_ASSIGNED,
        /** To a reviewer who still has pending items, days before the campaign ends. */
        REVIEW_REMINDER,
        /** To an approver: an access request waits for their decision, with the deadline and the link. */
        APPROVAL_REQUESTED,
        /** To an approver, a configured time before the stage's deadline: cancelled once anyone decides the stage. */
        APPROVAL_REMINDER,
        /** To the requester and the sponsors: an access request was approved (until when), denied, expired or could not be delivered. */
        ACCESS_REQUEST_DECIDED(false),
        /** To the sponsors: a guest's access ends in 14 days, then in 1 day, unless someone extends it. */
        ACCESS_EXPIRING(false),
        /** To a campaign's owner and the configured admins: the campaign ended, its counts, and what will be revoked. */
        CAMPAIGN_COMPLETED(false),
        /** To the sponsors: a guest they vouched for was removed, and their personal data erased (Entra tells nobody). */
        GUEST_REMOVED(false),
        /** To a resource's owners: a guest's access to it breaks a policy, and what follows (revoked, held for an admin, or reported only). */
        POLICY_VIOLATION(false),
        /** To a person who chose a daily digest: what was held for them since the last one, in one message (itself never held). */
        DAILY_DIGEST;

        private final boolean mandatory;

        Type() {
            this(true);
        }

        Type(boolean mandatory) {
            this.mandatory = mandatory;
        }

        /** Review assignments and reminders, approvals asked for, and security messages (lost access) always go: nobody opts out of them. */
        public boolean mandatory() {
            return mandatory;
        }
    }

    /** After this many failed attempts a message is FAILED and left for an operator. */
    public static final int MAX_ATTEMPTS = 20;
    /** Back-off between attempts: 2 s, 4 s, 8 s … up to an hour. */
    static final Duration FIRST_RETRY = Duration.ofSeconds(2);
    static final Duration LAST_RETRY = Duration.ofHours(1);

    @Id
    public UUID id;

    @Column(nullable = false)
    public String recipient;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Type type;

    @Column(nullable = false, length = 500)
    public String subject;

    /** The plain-text part. */
    @Column(nullable = false, columnDefinition = "text")
    public String body;

    /** Set when the message is the copy posted to this webhook endpoint rather than mailed to the recipient. */
    @Column(name = "webhook_id")
    public UUID webhookId;

    /** The HTML part (every value escaped); none on messages planned before there was one: they go as text alone. */
    @Column(columnDefinition = "text")
    public String html;

    /** What it is about, e.g. a partner signal's id; with the recipient, unique. */
    @Column(name = "cause_id", nullable = false)
    public String causeId;

    @Column(name = "cause_event_id", nullable = false)
    public String causeEventId;

    @Column(name = "guest_id")
    public UUID guestId;

    /** The guest's address and name as the message shows them: what the guest's removal erases from it. */
    @Column(name = "guest_email")
    public String guestEmail;

    @Column(name = "guest_name")
    public String guestName;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Status status;

    @Column(nullable = false)
    public int attempts;

    @Column(name = "last_error", length = 2000)
    public String lastError;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "sent_at")
    public Instant sentAt;

    @Column(name = "next_attempt_at", nullable = false)
    public Instant nextAttemptAt;

    /** The W3C traceparent of the consumer span that planned the message; the send continues that trace. */
    @Column(length = 55)
    public String traceparent;

    /**
     * A message that gathers lines (its lines in {@code notification_line}): the words it is rendered with when a sender claims it,
     * as JSON ({@code Messages.Gathered}); null once rendered, and on every other message.
     */
    @Column(columnDefinition = "text")
    public String gathered;

    @Column(name = "claimed_by")
    public String claimedBy;

    @Column(name = "claimed_until")
    public Instant claimedUntil;

    /** A message to send as soon as a sender claims it, continuing the current trace. */
    public static Notification pending(String recipient, Type type, String subject, String body, String causeId, String causeEventId,
            UUID guestId, Instant now) {
        Notification n = new Notification();
        n.id = Ids.next();
        n.recipient = recipient;
        n.type = type;
        n.subject = subject;
        n.body = body;
        n.causeId = causeId;
        n.causeEventId = causeEventId;
        n.guestId = guestId;
        n.status = Status.PENDING;
        n.createdAt = now;
        n.nextAttemptAt = now;
        n.traceparent = Traces.current();
        return n;
    }

    /**
     * Records a failed attempt; returns true when the message is now FAILED: refused for good
     * ({@code permanent}, an SMTP 5xx) or out of attempts. Otherwise it waits for its own next attempt.
     */
    public boolean failedAttempt(String error, boolean permanent, Instant at) {
        attempts++;
        lastError = error.length() > 2000 ? error.substring(0, 2000) : error;
        claimedBy = null;
        claimedUntil = null;
        if (permanent || attempts >= MAX_ATTEMPTS) {
            status = Status.FAILED;
            return true;
        }
        long factor = 1L << Math.min(attempts - 1, 20);
        Duration wait = FIRST_RETRY.multipliedBy(factor);
        nextAttemptAt = at.plus(wait.compareTo(LAST_RETRY) > 0 ? LAST_RETRY : wait);
        return false;
    }
}

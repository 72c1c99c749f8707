package dev.portcullis.notification.domain;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** One message to one person about one cause, and what became of it. */
@Entity
@Table(name = "notification")
public class Notification extends PanacheEntityBase {

    public enum Status { PENDING, SENT, FAILED }

    public enum Type {
        /** To a sponsor: the guest they vouch for lost access. */
        GUEST_ACCESS_REVOKED,
        /** To a resource owner: a guest lost access to their resources. */
        RESOURCE_ACCESS_REVOKED
    }

    /** After this many failed attempts a message is FAILED and left for an operator. */
    public static final int MAX_ATTEMPTS = 20;

    @Id
    public UUID id;

    @Column(nullable = false)
    public String recipient;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Type type;

    @Column(nullable = false, length = 500)
    public String subject;

    @Column(nullable = false, columnDefinition = "text")
    public String body;

    /** What it is about, e.g. a partner signal's id; with the recipient, unique. */
    @Column(name = "cause_id", nullable = false)
    public String causeId;

    @Column(name = "cause_event_id", nullable = false)
    public String causeEventId;

    @Column(name = "guest_id")
    public UUID guestId;

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

    public void sent(Instant at) {
        status = Status.SENT;
        sentAt = at;
        attempts++;
        lastError = null;
    }

    public void failedAttempt(String error) {
        attempts++;
        lastError = error.length() > 2000 ? error.substring(0, 2000) : error;
        if (attempts >= MAX_ATTEMPTS) {
            status = Status.FAILED;
        }
    }
}

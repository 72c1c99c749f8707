package dev.portcullis.review.domain;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** One grant one reviewer must confirm or remove. */
@Entity
@Table(name = "review_item")
public class ReviewItem extends PanacheEntityBase {

    public enum State { OPEN, DECIDED, CLOSED }

    @Id
    public UUID id;

    @Column(name = "grant_id", nullable = false)
    public UUID grantId;

    @Column(name = "guest_id", nullable = false)
    public UUID guestId;

    @Column(name = "resource_id", nullable = false)
    public UUID resourceId;

    @Column(nullable = false)
    public String reviewer;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public State state;

    @Column(name = "opened_at", nullable = false)
    public Instant openedAt;

    @Column(name = "closed_at")
    public Instant closedAt;

    /** Why the item closed without a decision, e.g. ACCESS_REVOKED. */
    @Column(name = "closed_reason")
    public String closedReason;

    /** What closed it: the revocation's cause (a partner signal id, …). */
    @Column(name = "closed_cause")
    public String closedCause;

    /** Closes an open item: nothing is left to review. Returns false if it was not open. */
    public boolean closeWithoutDecision(String reason, String cause, Instant at) {
        if (state != State.OPEN) {
            return false;
        }
        state = State.CLOSED;
        closedReason = reason;
        closedCause = cause;
        closedAt = at;
        return true;
    }

    public static List<ReviewItem> openOfGrant(UUID grantId) {
        return list("grantId = ?1 and state = ?2", grantId, State.OPEN);
    }
}

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
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * One grant of a campaign, for its reviewers to confirm or remove. OPEN while the campaign runs (its
 * decision may change until then); DECIDED with its outcome when the campaign completes; CLOSED when
 * the grant ended elsewhere first (REVOKED_ELSEWHERE) or the campaign was cancelled.
 */
@Entity
@Table(name = "review_item")
// an update writes only what it changed: closing an item a revocation reached (another consumer thread) must not write back the
// reviewers and decider it loaded before a guest's erasure committed
@org.hibernate.annotations.DynamicUpdate
public class ReviewItem extends PanacheEntityBase {

    public enum State { OPEN, DECIDED, CLOSED }

    public enum Decision { APPROVE, DENY, DONT_KNOW }

    /** What the campaign makes of the item: kept, revoked, or left alone (no decision and no default). */
    public enum Outcome { APPROVE, DENY, NONE }

    @Id
    public UUID id;

    @Column(name = "campaign_id")
    public UUID campaignId;

    @Column(name = "grant_id", nullable = false)
    public UUID grantId;

    @Column(name = "guest_id", nullable = false)
    public UUID guestId;

    @Column(name = "resource_id", nullable = false)
    public UUID resourceId;

    /** Who may decide (lower case), fixed when the campaign started; any one of them decides for all. */
    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(nullable = false)
    public String[] reviewers;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public State state;

    /** The stage the item is in (1-based): the campaign's, while it is open. */
    @Column(nullable = false)
    public int stage = 1;

    @Column(name = "opened_at", nullable = false)
    public Instant openedAt;

    @Enumerated(EnumType.STRING)
    public Decision recommendation;

    @Column(name = "recommendation_reason")
    public String recommendationReason;

    @Enumerated(EnumType.STRING)
    public Decision decision;

    public String justification;

    @Column(name = "decided_by")
    public String decidedBy;

    @Column(name = "decided_at")
    public Instant decidedAt;

    @Enumerated(EnumType.STRING)
    public Outcome outcome;

    @Column(name = "revocation_requested_at")
    public Instant revocationRequestedAt;

    @Column(name = "revoked_at")
    public Instant revokedAt;

    @Column(name = "closed_at")
    public Instant closedAt;

    /** Why the item closed without a decision: REVOKED_ELSEWHERE, CAMPAIGN_CANCELLED. */
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

    public boolean reviewedBy(String email) {
        return email != null && List.of(reviewers).contains(email.toLowerCase(java.util.Locale.ROOT));
    }

    public static List<ReviewItem> openOfGrant(UUID grantId) {
        return list("grantId = ?1 and state = ?2", grantId, State.OPEN);
    }
}

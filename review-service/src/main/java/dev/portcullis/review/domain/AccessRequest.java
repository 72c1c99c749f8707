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
 * A partner's person asking for an access package, and where the request stands: the stage waiting for
 * a decision and who may take it, or how it ended.
 */
@Entity
@Table(name = "access_request")
public class AccessRequest extends PanacheEntityBase {

    /**
     * PENDING_APPROVAL → APPROVED → DELIVERED (or FAILED when inventory refuses a grant); or DENIED by an
     * approver, EXPIRED at a deadline, CANCELLED by the requester.
     */
    public enum State {
        PENDING_APPROVAL, APPROVED, DELIVERED, DENIED, EXPIRED, CANCELLED, FAILED;

        public boolean isOpen() {
            return this == PENDING_APPROVAL || this == APPROVED;
        }
    }

    @Id
    public UUID id;

    @Column(name = "package_id", nullable = false)
    public UUID packageId;

    /** The package's version when the request was submitted: its policy rules the request to the end. */
    @Column(name = "package_version", nullable = false)
    public int packageVersion;

    @Column(name = "package_name", nullable = false)
    public String packageName;

    /** Lower case. */
    @Column(name = "requester_email", nullable = false)
    public String requesterEmail;

    /** The requester as submitted ({@code AccessRequestSubmitted.Requester}), as JSON. */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public String requester;

    /** The requester's guest, if they were one when they asked. */
    @Column(name = "guest_id")
    public UUID guestId;

    @Column(name = "partner_id")
    public UUID partnerId;

    /** The address of whoever submitted it (the requester, a sponsor, an admin), lower case. */
    @Column(name = "submitted_by", nullable = false)
    public String submittedBy;

    public String justification;

    /** Question id → answer, as JSON. */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public String answers;

    /** Who vouches for the requester: their guest's sponsors, the sponsor who asked for them, or (a new guest) the last approver. */
    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(nullable = false)
    public String[] sponsors;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public State state;

    /** The stage waiting for a decision (1-based); the last one decided once the request has ended; 0 for a package without approval. */
    @Column(nullable = false)
    public int stage;

    @Column(nullable = false)
    public int stages;

    @Column(name = "stage_ends_at")
    public Instant stageEndsAt;

    /** The current stage went unanswered and waits for its fallback approvers too. */
    @Column(nullable = false)
    public boolean escalated;

    /** Who may decide the current stage (lower case). */
    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(nullable = false)
    public String[] approvers;

    /** Everyone ever asked to decide: they may read the request. */
    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(nullable = false)
    public String[] asked;

    /** Once approved: when the access ends. */
    @Column(name = "expires_at")
    public Instant expiresAt;

    /** Why it ended as it did (a denial's justification, a deadline, a refusal at delivery). */
    public String reason;

    @Column(name = "submitted_at", nullable = false)
    public Instant submittedAt;

    @Column(name = "decided_at")
    public Instant decidedAt;

    @Column(name = "delivered_at")
    public Instant deliveredAt;

    public boolean isApprover(String email) {
        return state == State.PENDING_APPROVAL && List.of(approvers).contains(email);
    }

    /** Whether {@code email} may read this request: the requester, whoever submitted it, or anyone asked to decide it. */
    public boolean concerns(String email) {
        return requesterEmail.equals(email) || submittedBy.equals(email) || List.of(asked).contains(email);
    }
}

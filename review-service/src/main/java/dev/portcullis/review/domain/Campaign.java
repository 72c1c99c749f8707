package dev.portcullis.review.domain;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.LockModeType;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** One run of a review definition: its items, its reviewers (fixed when it started), its outcome. */
@Entity
@Table(name = "campaign")
public class Campaign extends PanacheEntityBase {

    public enum State { IN_PROGRESS, COMPLETED, APPLIED, CANCELLED }

    @Id
    public UUID id;

    @Column(name = "definition_id", nullable = false)
    public UUID definitionId;

    @Column(nullable = false)
    public String name;

    /** The definition as it was when the campaign started. */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public String spec;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public State state;

    @Column(name = "started_by", nullable = false)
    public String startedBy;

    @Column(name = "started_at", nullable = false)
    public Instant startedAt;

    @Column(name = "ends_at", nullable = false)
    public Instant endsAt;

    /** The stage running (1-based), and when it ends; a one-stage campaign's stage ends with it. */
    @Column(nullable = false)
    public int stage = 1;

    @Column(name = "stage_ends_at", nullable = false)
    public Instant stageEndsAt;

    @Column(name = "completed_at")
    public Instant completedAt;

    @Column(name = "applied_at")
    public Instant appliedAt;

    @Column(name = "cancelled_at")
    public Instant cancelledAt;

    /** Applying would revoke more than the guard allows: it waits for an admin's confirmation. */
    @Column(name = "apply_held", nullable = false)
    public boolean applyHeld;

    @Column(name = "apply_held_reason")
    public String applyHeldReason;

    /** The reminder days (before the end) already sent. */
    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(name = "reminders_sent", nullable = false)
    public Integer[] remindersSent = new Integer[0];

    /** The campaign, its row locked: every change of a campaign's state happens under this lock, once. */
    public static Optional<Campaign> lock(UUID id) {
        return Campaign.<Campaign>find("id", id).withLock(LockModeType.PESSIMISTIC_WRITE).firstResultOptional();
    }
}

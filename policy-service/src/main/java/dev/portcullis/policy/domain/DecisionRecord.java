package dev.portcullis.policy.domain;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** One decision of the decision point, as the decision log keeps it (written by {@code DecisionLog}, read over REST). */
@Entity
@Table(name = "decision_log")
public class DecisionRecord extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "decided_at", nullable = false)
    public Instant decidedAt;

    public String caller;

    @Column(name = "subject_type", nullable = false)
    public String subjectType;

    @Column(name = "subject_id", nullable = false)
    public String subjectId;

    @Column(nullable = false)
    public String action;

    @Column(name = "resource_type", nullable = false)
    public String resourceType;

    @Column(name = "resource_id", nullable = false)
    public String resourceId;

    @Column(nullable = false)
    public boolean decision;

    @Column(nullable = false)
    public String reasons;

    @Column(nullable = false)
    public String policies;
}

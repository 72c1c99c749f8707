package dev.portcullis.policy.domain;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A grant that violates a policy in force or reporting, from detection until it ends. Written by {@code ContinuousEvaluation}. */
@Entity
@Table(name = "violation")
public class Violation extends PanacheEntityBase {

    public enum State { OPEN, RESOLVED }

    /** What follows from the violation. */
    public enum Enforcement { REVOCATION_REQUESTED, HELD, DECLINED, REPORTED }

    public enum Resolution { GRANT_REVOKED, NO_LONGER_VIOLATES, POLICY_WITHDRAWN }

    @Id
    public UUID id;

    @Column(name = "policy_id", nullable = false)
    public UUID policyId;

    @Column(name = "policy_version", nullable = false)
    public int policyVersion;

    @Column(name = "policy_name", nullable = false)
    public String policyName;

    @Column(nullable = false)
    public String rule;

    @Column(nullable = false)
    @Enumerated(EnumType.STRING)
    public Policy.Mode mode;

    @Column(name = "guest_id", nullable = false)
    public UUID guestId;

    @Column(name = "grant_id", nullable = false)
    public UUID grantId;

    @Column(name = "resource_id", nullable = false)
    public UUID resourceId;

    @Column(nullable = false)
    public String message;

    @Column(nullable = false)
    @Enumerated(EnumType.STRING)
    public State state;

    @Column(nullable = false)
    @Enumerated(EnumType.STRING)
    public Enforcement enforcement;

    @Column(name = "hold_id")
    public UUID holdId;

    @Column(name = "detected_at", nullable = false)
    public Instant detectedAt;

    @Column(name = "resolved_at")
    public Instant resolvedAt;

    @Column
    @Enumerated(EnumType.STRING)
    public Resolution resolution;
}

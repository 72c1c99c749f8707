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

/** The revocations of one change of an enforced policy, held until an admin confirms or declines them. */
@Entity
@Table(name = "enforcement_hold")
public class EnforcementHold extends PanacheEntityBase {

    /** SUPERSEDED: the policy changed again before anyone decided, and that change was evaluated afresh. */
    public enum State { PENDING, CONFIRMED, DECLINED, SUPERSEDED }

    @Id
    public UUID id;

    @Column(name = "policy_id", nullable = false)
    public UUID policyId;

    @Column(name = "policy_version", nullable = false)
    public int policyVersion;

    @Column(name = "policy_name", nullable = false)
    public String policyName;

    @Column(nullable = false)
    @Enumerated(EnumType.STRING)
    public State state;

    @Column(name = "grants_in_scope", nullable = false)
    public long grantsInScope;

    @Column(name = "revocations_held", nullable = false)
    public long revocationsHeld;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "decided_at")
    public Instant decidedAt;

    @Column(name = "decided_by")
    public String decidedBy;
}

package dev.portcullis.policy.domain;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.util.UUID;

/** A policy's head: which of its versions is current. Its row lock serializes the changes of one policy. */
@Entity
@Table(name = "policy")
public class Policy extends PanacheEntityBase {

    public enum Mode { ENFORCE, REPORT_ONLY, DISABLED }

    @Id
    public UUID id;

    @Column(name = "current_version", nullable = false)
    public int currentVersion;

    @Column(nullable = false)
    public boolean deleted;

    /** The policy_change_seq value of this policy's last change. */
    @Column(name = "change_seq", nullable = false)
    public long changeSeq;
}

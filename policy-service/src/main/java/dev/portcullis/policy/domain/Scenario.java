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

/** A set of resources with its own control model; each has its guard rails (policies). */
@Entity
@Table(name = "scenario")
public class Scenario extends PanacheEntityBase {

    public enum ControlModel { IT_GOVERNED, DELEGATED, SELF_SERVICE }

    @Id
    public UUID id;

    @Column(nullable = false, unique = true)
    public String name;

    @Enumerated(EnumType.STRING)
    @Column(name = "control_model", nullable = false)
    public ControlModel controlModel;

    @Column(length = 2000)
    public String description;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "created_by", nullable = false)
    public String createdBy;
}

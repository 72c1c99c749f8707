package dev.portcullis.inventory.domain;

import dev.portcullis.events.Sensitivity;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.UUID;

/** Something a guest can be granted: an application, group, site, team or access package, with its owners. */
@Entity
@Table(name = "resource")
public class Resource extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(nullable = false)
    public String name;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public ResourceType type;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Sensitivity sensitivity;

    @Column(name = "scenario_id")
    public String scenarioId;

    @ElementCollection(fetch = FetchType.EAGER)
    @CollectionTable(name = "resource_owner", joinColumns = @JoinColumn(name = "resource_id"))
    @Column(name = "email")
    public Set<String> owners = new LinkedHashSet<>();

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}

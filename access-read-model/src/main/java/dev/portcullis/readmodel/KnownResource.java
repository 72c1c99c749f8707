package dev.portcullis.readmodel;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.FetchType;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.UUID;

/** A resource as this service last heard of it from inventory.resources. */
@Entity
@Table(name = "rm_resource")
public class KnownResource extends PanacheEntityBase {

    @Id
    @Column(name = "resource_id")
    public UUID resourceId;

    @Column(nullable = false)
    public String name;

    @Column(nullable = false)
    public String sensitivity;

    @Column(name = "scenario_id")
    public String scenarioId;

    @ElementCollection(fetch = FetchType.EAGER)
    @CollectionTable(name = "rm_resource_owner", joinColumns = @JoinColumn(name = "resource_id"))
    @Column(name = "email")
    public Set<String> owners = new LinkedHashSet<>();

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
}

package dev.portcullis.readmodel;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A guest as this service last heard of it from inventory.guests. */
@Entity
@Table(name = "rm_guest")
public class KnownGuest extends PanacheEntityBase {

    @Id
    @Column(name = "guest_id")
    public UUID guestId;

    @Column(nullable = false)
    public String email;

    @Column(name = "partner_id")
    public UUID partnerId;

    /** INVITED, ACTIVE, BLOCKED or REMOVED, as inventory-service said. */
    @Column(nullable = false)
    public String state;

    /** Comma-separated emails. */
    @Column(nullable = false, length = 2000)
    public String sponsors;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
}

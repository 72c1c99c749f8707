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

    @ElementCollection(fetch = FetchType.EAGER)
    @CollectionTable(name = "rm_guest_sponsor", joinColumns = @JoinColumn(name = "guest_id"))
    @Column(name = "email")
    public Set<String> sponsors = new LinkedHashSet<>();

    @Column(name = "invited_at")
    public Instant invitedAt;

    /** The latest sign-in inventory reported; never moves back. */
    @Column(name = "last_sign_in_at")
    public Instant lastSignInAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
}

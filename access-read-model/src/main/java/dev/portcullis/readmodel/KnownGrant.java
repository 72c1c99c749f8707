package dev.portcullis.readmodel;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A grant as this service last heard of it from inventory.access. */
@Entity
@Table(name = "rm_grant")
public class KnownGrant extends PanacheEntityBase {

    public static final String ACTIVE = "ACTIVE";
    public static final String REVOKED = "REVOKED";

    @Id
    @Column(name = "grant_id")
    public UUID grantId;

    @Column(name = "guest_id", nullable = false)
    public UUID guestId;

    @Column(name = "resource_id", nullable = false)
    public UUID resourceId;

    @Column(nullable = false)
    public String role;

    @Column(nullable = false)
    public String state;

    @Column(name = "expires_at")
    public Instant expiresAt;

    @Column(name = "revoked_reason")
    public String revokedReason;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    public static List<KnownGrant> activeOf(UUID guestId) {
        return list("guestId = ?1 and state = ?2", guestId, ACTIVE);
    }
}

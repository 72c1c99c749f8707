package dev.portcullis.inventory.domain;

import dev.portcullis.events.RevocationReason;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A guest's access to one resource in one role, until it is revoked. */
@Entity
@Table(name = "access_grant")
public class AccessGrant extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "guest_id", nullable = false)
    public UUID guestId;

    @Column(name = "resource_id", nullable = false)
    public UUID resourceId;

    @Column(nullable = false)
    public String role;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public GrantState state;

    @Column(length = 1000)
    public String justification;

    @Column(name = "granted_at", nullable = false)
    public Instant grantedAt;

    @Column(name = "granted_by", nullable = false)
    public String grantedBy;

    @Column(name = "expires_at")
    public Instant expiresAt;

    @Column(name = "revoked_at")
    public Instant revokedAt;

    @Enumerated(EnumType.STRING)
    @Column(name = "revoked_reason")
    public RevocationReason revokedReason;

    @Column(name = "revoked_by")
    public String revokedBy;

    /** What caused the revocation: a partner signal's id, a review item, a violation. */
    @Column(name = "revocation_cause")
    public String revocationCause;

    /** A hand revocation's free-text reason. */
    @Column(name = "revocation_note", length = 1000)
    public String revocationNote;

    /** The nearest expiry notice sent (14, then 1 day before); null before the first. */
    @Column(name = "expiry_notice_days")
    public Integer expiryNoticeDays;

    public void revoke(RevocationReason reason, String by, String cause, Instant at) {
        if (state == GrantState.REVOKED) {
            throw new StateConflict("grant " + id + " is already revoked");
        }
        state = GrantState.REVOKED;
        revokedReason = reason;
        revokedBy = by;
        revocationCause = cause;
        revokedAt = at;
    }

    public static List<AccessGrant> activeOf(UUID guestId) {
        return list("guestId = ?1 and state = ?2 order by grantedAt, id", guestId, GrantState.ACTIVE);
    }

    /** The active grants of these guests, each guest's in the order of {@link #activeOf(UUID)}. */
    public static List<AccessGrant> activeOf(List<UUID> guestIds) {
        return guestIds.isEmpty() ? List.of() : list("guestId in ?1 and state = ?2 order by guestId, grantedAt, id", guestIds, GrantState.ACTIVE);
    }
}

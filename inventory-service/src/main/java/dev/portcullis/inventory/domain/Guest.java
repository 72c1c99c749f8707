package dev.portcullis.inventory.domain;

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
import jakarta.persistence.LockModeType;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** A partner's person let in: identified by their home tenant and subject, vouched for by sponsors. */
@Entity
@Table(name = "guest")
public class Guest extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(nullable = false)
    public String email;

    @Column(name = "display_name")
    public String displayName;

    @Column(name = "home_tenant_id", nullable = false)
    public String homeTenantId;

    @Column(name = "home_subject")
    public String homeSubject;

    @Column(name = "partner_id", nullable = false)
    public UUID partnerId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public GuestState state;

    @ElementCollection(fetch = FetchType.EAGER)
    @CollectionTable(name = "guest_sponsor", joinColumns = @JoinColumn(name = "guest_id"))
    @Column(name = "email")
    public Set<String> sponsors = new LinkedHashSet<>();

    @Column(name = "invited_by", nullable = false)
    public String invitedBy;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "blocked_at")
    public Instant blockedAt;

    @Column(name = "blocked_reason")
    @Enumerated(EnumType.STRING)
    public GuestChangeReason blockedReason;

    /** The state the block interrupted, which an unblock returns to. */
    @Column(name = "blocked_from")
    @Enumerated(EnumType.STRING)
    public GuestState blockedFrom;

    @Column(name = "removed_at")
    public Instant removedAt;

    @Column(name = "removed_reason")
    @Enumerated(EnumType.STRING)
    public GuestChangeReason removedReason;

    /** The latest sign-in reported; never moves back. */
    @Column(name = "last_sign_in_at")
    public Instant lastSignInAt;

    /** The SCIM client's own id for the guest (externalId); released when the guest is removed. */
    @Column(name = "external_id")
    public String externalId;

    /** When anything about the guest last changed (SCIM's meta.lastModified). */
    @Column(name = "modified_at", nullable = false)
    public Instant modifiedAt;

    @jakarta.persistence.PrePersist
    @jakarta.persistence.PreUpdate
    void touch() {
        modifiedAt = modifiedAt == null ? createdAt : Instant.now();
    }

    /** Blocks sign-in; returns false if the guest was blocked already. A removed guest cannot be blocked. */
    public boolean block(GuestChangeReason reason, Instant at) {
        if (state == GuestState.REMOVED) {
            throw new StateConflict("guest " + id + " is removed");
        }
        if (state == GuestState.BLOCKED) {
            return false;
        }
        blockedFrom = state;
        state = GuestState.BLOCKED;
        blockedAt = at;
        blockedReason = reason;
        return true;
    }

    /** When the lifecycle job reported that nobody vouches for the guest; null until then. */
    @Column(name = "sponsor_missing_reported_at")
    public Instant sponsorMissingReportedAt;

    /** When a block was last lifted: the inactivity job gives the guest its whole period again from then. */
    @Column(name = "unblocked_at")
    public Instant unblockedAt;

    /** Lets a blocked guest sign in again, in the state the block interrupted; returns false if the guest was not blocked. */
    public boolean unblock(Instant at) {
        if (state != GuestState.BLOCKED) {
            return false;
        }
        unblockedAt = at;
        state = blockedFrom == GuestState.ACTIVE ? GuestState.ACTIVE : GuestState.INVITED;
        blockedFrom = null;
        blockedAt = null;
        blockedReason = null;
        return true;
    }

    /** Removes the guest for good; returns false if removed already. */
    public boolean remove(GuestChangeReason reason, Instant at) {
        if (state == GuestState.REMOVED) {
            return false;
        }
        state = GuestState.REMOVED;
        externalId = null; // the provisioning client may create the person anew under the same id
        removedAt = at;
        removedReason = reason;
        return true;
    }

    /** A new grant needs a guest who may sign in. */
    public void requireGrantable() {
        if (state == GuestState.BLOCKED || state == GuestState.REMOVED) {
            throw new StateConflict("guest " + id + " is " + state + " and cannot be granted access");
        }
    }

    /**
     * The guest, locked for update: the guest row is where everything that changes a guest's access
     * (a grant, a revocation, a block, a signal) waits its turn, so none of them decides on a state
     * another is about to change.
     */
    public static Optional<Guest> lock(UUID id) {
        return Optional.ofNullable(getEntityManager().find(Guest.class, id, LockModeType.PESSIMISTIC_WRITE));
    }

    /** These guests, those that exist, locked for update in one statement, in id order (so two lockers never deadlock). */
    public static List<Guest> lockAll(List<UUID> ids) {
        return ids.isEmpty() ? List.of() : find("id in ?1 order by id", ids).withLock(LockModeType.PESSIMISTIC_WRITE).list();
    }

    /**
     * The guests a partner signal names, locked for update (in id order, so two signals never
     * deadlock): by home tenant and home subject; if that names nobody, by home tenant and email.
     * Never by subject or email alone: another tenant's subject or address proves nothing here.
     */
    public static List<Guest> lockByHomeIdentity(String homeTenantId, String homeSubject, String email) {
        if (homeSubject != null && !homeSubject.isBlank()) {
            List<Guest> bySubject = find("homeTenantId = ?1 and homeSubject = ?2 order by id", homeTenantId, homeSubject)
                    .withLock(LockModeType.PESSIMISTIC_WRITE).list();
            if (!bySubject.isEmpty()) {
                return bySubject;
            }
        }
        if (email == null || email.isBlank()) {
            return List.of();
        }
        return find("homeTenantId = ?1 and lower(email) = lower(?2) order by id", homeTenantId, email)
                .withLock(LockModeType.PESSIMISTIC_WRITE).list();
    }
}

package dev.portcullis.inventory.service;

import dev.portcullis.backbone.Entities;
import dev.portcullis.backbone.outbox.Outbox;
import dev.portcullis.events.AccessRevoked;
import dev.portcullis.events.GuestBlocked;
import dev.portcullis.events.GuestRemoved;
import dev.portcullis.events.GuestUnblocked;
import dev.portcullis.events.RevocationReason;
import dev.portcullis.inventory.domain.GuestChangeReason;
import dev.portcullis.inventory.domain.AccessGrant;
import dev.portcullis.inventory.domain.Guest;
import dev.portcullis.inventory.domain.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.hibernate.SessionCheckMode;
import org.jboss.logging.Logger;

/** The one place where grants end and guests are blocked, each with its event, in the caller's transaction. */
@ApplicationScoped
public class Revocations {

    private static final Logger LOG = Logger.getLogger(Revocations.class);

    @Inject
    Outbox outbox;

    @Inject
    Clock clock;

    @Inject
    AuditTrail audit;

    @Inject
    GuestSessions sessions;

    @Inject
    PersonalData personalData;

    @Transactional(Transactional.TxType.MANDATORY)
    public void revoke(AccessGrant grant, RevocationReason reason, String cause, String actor) {
        Resource resource = Resource.findById(grant.resourceId);
        revoke(Guest.findById(grant.guestId), grant, resource, reason, cause, actor, clock.instant());
    }

    /**
     * Blocks the guest and revokes every active grant: one {@code access-revoked} per grant, then one
     * {@code guest-blocked} that lists them. Nothing happens, and nothing is published, for a guest
     * blocked already with no active grant left.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Blocked blockAndRevokeAll(Guest guest, GuestChangeReason blockReason, String cause, String actor) {
        return blockAndRevoke(guest, blockReason, cause, actor, resource -> true);
    }

    /**
     * Blocks the guest for {@code blockReason} and revokes the active grants on the resources {@code which} picks (a compromised
     * credential: the sensitive ones), as the reason says ({@link GuestChangeReason#revokes}).
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Blocked blockAndRevoke(Guest guest, GuestChangeReason blockReason, String cause, String actor, Predicate<Resource> which) {
        return blockAndRevoke(guest, AccessGrant.activeOf(guest.id), blockReason, cause, actor, which);
    }

    /**
     * {@link #blockAndRevokeAll} for a guest whose active grants the caller read already, with those of other guests: a batch of
     * many guests reads them, and their resources, in one query each ({@link PartnerEnforcement}).
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Blocked blockAndRevokeAll(Guest guest, List<AccessGrant> activeGrants, GuestChangeReason blockReason, String cause, String actor) {
        return blockAndRevoke(guest, activeGrants, blockReason, cause, actor, resource -> true);
    }

    private Blocked blockAndRevoke(Guest guest, List<AccessGrant> all, GuestChangeReason blockReason, String cause, String actor,
            Predicate<Resource> which) {
        RevocationReason reason = blockReason.revokes();
        Instant now = clock.instant();
        boolean newlyBlocked = guest.block(blockReason, now);
        Map<UUID, Resource> resources = resourcesOf(all);
        List<AccessGrant> active = reason == null ? List.of() : all.stream().filter(g -> which.test(resources.get(g.resourceId))).toList();
        if (!newlyBlocked && active.isEmpty()) {
            return new Blocked(false, List.of());
        }
        List<GuestBlocked.RevokedGrant> summary = new ArrayList<>();
        for (AccessGrant grant : active) {
            Resource resource = resources.get(grant.resourceId);
            revoke(guest, grant, resource, reason, cause, actor, now);
            summary.add(new GuestBlocked.RevokedGrant(grant.id.toString(), resource.id.toString(), resource.name, grant.role,
                    List.copyOf(resource.owners)));
        }
        if (newlyBlocked) {
            outbox.publish(new GuestBlocked(guest.id.toString(), guest.email, guest.displayName, List.copyOf(guest.sponsors), blockReason.name(),
                    cause, summary, now, actor));
            audit.record(AuditTrail.change("GUEST_BLOCKED", actor).guest(guest).reason(blockReason.name()).cause(cause)
                    .detail("revokedGrantIds", active.stream().map(g -> g.id).toList()));
            // a blocked guest's open sessions in our own applications end too (CAEP session-revoked to their streams)
            sessions.revoke(guest, blockReason.initiatingEntity(), "blocked: " + blockReason + (cause == null ? "" : " (" + cause + ")"));
        }
        LOG.infof("guest=%s blocked reason=%s cause=%s grantsRevoked=%d", guest.id, blockReason, cause, active.size());
        return new Blocked(newlyBlocked, active.stream().map(g -> g.id).toList());
    }

    /** Blocks the guest for {@code blockReason} and leaves its grants as they are (inactivity: an unblock gives them back as they were). */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean blockOnly(Guest guest, GuestChangeReason blockReason, String cause, String actor) {
        return blockAndRevoke(guest, blockReason, cause, actor, resource -> false).newlyBlocked();
    }

    /** Lets a blocked guest sign in again and says so ({@code guest-unblocked}); revoked grants stay revoked. False if not blocked. */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean unblock(Guest guest, GuestChangeReason reason, String cause, String actor) {
        if (!guest.unblock(clock.instant())) {
            return false;
        }
        outbox.publish(new GuestUnblocked(guest.id.toString(), guest.email, guest.displayName, List.copyOf(guest.sponsors), guest.state.name(),
                reason.name(), cause, clock.instant(), actor));
        audit.record(AuditTrail.change("GUEST_UNBLOCKED", actor).guest(guest).reason(reason.name()).cause(cause).detail("state", guest.state));
        LOG.infof("guest=%s unblocked reason=%s cause=%s", guest.id, reason, cause);
        return true;
    }

    /** Removes the guest for good, revoking what remains (reason GUEST_REMOVED), then {@code guest-removed}. Empty if removed already. */
    @Transactional(Transactional.TxType.MANDATORY)
    public Optional<List<UUID>> remove(Guest guest, GuestChangeReason reason, String cause, String actor) {
        Instant now = clock.instant();
        if (!guest.remove(reason, now)) {
            return Optional.empty();
        }
        List<AccessGrant> active = AccessGrant.activeOf(guest.id);
        Map<UUID, Resource> resources = resourcesOf(active);
        for (AccessGrant grant : active) {
            revoke(guest, grant, resources.get(grant.resourceId), RevocationReason.GUEST_REMOVED, cause, actor, now);
        }
        List<UUID> revoked = active.stream().map(g -> g.id).toList();
        outbox.publish(new GuestRemoved(guest.id.toString(), List.copyOf(guest.sponsors), reason.name(), cause, revoked.stream().map(UUID::toString).toList(),
                now, actor, guest.email)); // the address every service erases, read before it is erased here
        audit.record(AuditTrail.change("GUEST_REMOVED", actor).guest(guest).reason(reason.name()).cause(cause).detail("revokedGrantIds", revoked));
        sessions.revoke(guest, reason.initiatingEntity(), "removed: " + reason); // told with the address, before it is erased
        // a removed guest is a data subject whose data goes: from the guest row, the signals that named them, and (its key destroyed) the audit trail
        personalData.erase(guest);
        LOG.infof("guest=%s removed reason=%s cause=%s grantsRevoked=%d", guest.id, reason, cause, revoked.size());
        return Optional.of(revoked);
    }

    /** The resources of these grants: those this transaction loaded already from its session, the others in one statement. */
    static Map<UUID, Resource> resourcesOf(List<AccessGrant> grants) {
        return grants.isEmpty() ? Map.of()
                : Entities.byIds(Resource.getEntityManager(), Resource.class, grants.stream().map(g -> g.resourceId).distinct().toList(),
                        SessionCheckMode.ENABLED).stream().collect(Collectors.toMap(r -> r.id, Function.identity()));
    }

    /** What blocking did: whether the guest was blocked by it, and the grants it revoked. */
    public record Blocked(boolean newlyBlocked, List<UUID> revokedGrantIds) {

        public boolean changedAnything() {
            return newlyBlocked || !revokedGrantIds.isEmpty();
        }
    }

    private void revoke(Guest guest, AccessGrant grant, Resource resource, RevocationReason reason, String cause, String actor, Instant at) {
        grant.revoke(reason, actor, cause, at);
        // a removed guest's address and name are about to be erased: they do not go out with the revocations of the removal
        outbox.publish(new AccessRevoked(grant.id.toString(), grant.guestId.toString(), resource.id.toString(), resource.name,
                List.copyOf(resource.owners), grant.role, reason, cause, at, actor, reason == RevocationReason.GUEST_REMOVED ? null : guest.email,
                List.copyOf(guest.sponsors), reason == RevocationReason.GUEST_REMOVED ? null : guest.displayName));
        audit.record(AuditTrail.change("GRANT_REVOKED", actor).guestId(grant.guestId).resource(resource.id).target(grant.id).reason(reason.name())
                .cause(cause).detail("role", grant.role).detail("note", grant.revocationNote));
    }
}

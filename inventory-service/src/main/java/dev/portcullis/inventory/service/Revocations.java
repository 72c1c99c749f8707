package dev.portcullis.inventory.service;

import dev.portcullis.backbone.outbox.Outbox;
import dev.portcullis.events.AccessRevoked;
import dev.portcullis.events.GuestBlocked;
import dev.portcullis.events.RevocationReason;
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
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/** The one place where grants end and guests are blocked, each with its event, in the caller's transaction. */
@ApplicationScoped
public class Revocations {

    private static final Logger LOG = Logger.getLogger(Revocations.class);

    @Inject
    Outbox outbox;

    @Inject
    Clock clock;

    @Transactional(Transactional.TxType.MANDATORY)
    public void revoke(AccessGrant grant, RevocationReason reason, String cause, String actor) {
        Resource resource = Resource.findById(grant.resourceId);
        revoke(grant, resource, reason, cause, actor, clock.instant());
    }

    /**
     * Blocks the guest and revokes every active grant: one {@code access-revoked} per grant, then one
     * {@code guest-blocked} that lists them. Nothing happens, and nothing is published, for a guest
     * blocked already with no active grant left.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Blocked blockAndRevokeAll(Guest guest, RevocationReason reason, String cause, String actor) {
        Instant now = clock.instant();
        boolean newlyBlocked = guest.block(reason.name(), now);
        List<AccessGrant> active = AccessGrant.activeOf(guest.id);
        if (!newlyBlocked && active.isEmpty()) {
            return new Blocked(false, List.of());
        }
        Map<UUID, Resource> resources = active.isEmpty() ? Map.of()
                : Resource.<Resource>list("id in ?1", active.stream().map(g -> g.resourceId).distinct().toList()).stream()
                        .collect(Collectors.toMap(r -> r.id, Function.identity()));
        List<GuestBlocked.RevokedGrant> summary = new ArrayList<>();
        for (AccessGrant grant : active) {
            Resource resource = resources.get(grant.resourceId);
            revoke(grant, resource, reason, cause, actor, now);
            summary.add(new GuestBlocked.RevokedGrant(grant.id.toString(), resource.id.toString(), resource.name, grant.role,
                    List.copyOf(resource.owners)));
        }
        if (newlyBlocked) {
            outbox.publish(new GuestBlocked(guest.id.toString(), guest.email, guest.displayName, List.copyOf(guest.sponsors), reason.name(),
                    cause, summary, now, actor));
        }
        LOG.infof("guest=%s blocked reason=%s cause=%s grantsRevoked=%d", guest.id, reason, cause, active.size());
        return new Blocked(newlyBlocked, active.stream().map(g -> g.id).toList());
    }

    /** What blocking did: whether the guest was blocked by it, and the grants it revoked. */
    public record Blocked(boolean newlyBlocked, List<UUID> revokedGrantIds) {

        public boolean changedAnything() {
            return newlyBlocked || !revokedGrantIds.isEmpty();
        }
    }

    private void revoke(AccessGrant grant, Resource resource, RevocationReason reason, String cause, String actor, Instant at) {
        grant.revoke(reason, actor, cause, at);
        outbox.publish(new AccessRevoked(grant.id.toString(), grant.guestId.toString(), resource.id.toString(), resource.name,
                List.copyOf(resource.owners), grant.role, reason, cause, at, actor));
    }
}

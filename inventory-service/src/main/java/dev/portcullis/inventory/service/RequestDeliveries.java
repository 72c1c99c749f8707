package dev.portcullis.inventory.service;

import dev.portcullis.backbone.outbox.Outbox;
import dev.portcullis.backbone.rest.ConflictProblem;
import dev.portcullis.backbone.rest.RefusedByPolicyProblem;
import dev.portcullis.backbone.rest.Roles;
import dev.portcullis.events.AccessPackageChanged;
import dev.portcullis.events.AccessRequestApproved;
import dev.portcullis.events.AccessRequestRefused;
import dev.portcullis.inventory.domain.Guest;
import dev.portcullis.inventory.domain.GuestState;
import dev.portcullis.inventory.domain.Partner;
import dev.portcullis.inventory.domain.Resource;
import dev.portcullis.inventory.policy.AccessPolicy;
import dev.portcullis.inventory.rest.Dtos.InviteGuest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Delivers an approved access request ({@code access-request-approved}): invites the requester if they
 * are no guest yet, and grants every resource of the package with its role until the request's expiry
 * (capped by the policies, as any grant). The policies are asked first, the same questions as for an
 * admin's invite and grant, in the approver's name; the owners' approval a self-service scenario
 * demands is the request's approval. A package is delivered whole or not at all: if the policies refuse
 * the invitation or any grant, or the guest is blocked, nothing is written but {@code access-request-refused}.
 * Runs in the inbox's transaction, so a redelivered event delivers nothing twice.
 */
@ApplicationScoped
public class RequestDeliveries {

    private static final Logger LOG = Logger.getLogger(RequestDeliveries.class);
    /** Who approved a request that needed no approval. */
    private static final String NOBODY = "portcullis";

    @Inject
    AccessPolicy policy;

    @Inject
    InventoryService inventory;

    @Inject
    Outbox outbox;

    @Inject
    Clock clock;

    @Transactional(Transactional.TxType.MANDATORY)
    public void deliver(AccessRequestApproved approved) {
        String email = approved.requester().email().toLowerCase(Locale.ROOT);
        String actor = approved.approvedBy();
        boolean ownersApproved = !NOBODY.equals(actor);
        // the approvers are business owners deciding about their own resources; a request nobody approved carries no role
        Set<String> roles = ownersApproved ? Set.of(Roles.OWNER) : Set.of();
        String justification = "access request " + approved.requestId() + " (" + approved.packageName() + ")";
        Optional<Guest> existing = (approved.guestId() != null ? Guest.<Guest>findByIdOptional(UUID.fromString(approved.guestId())) : Optional.<Guest>empty())
                .or(() -> Guest.<Guest>find("lower(email) = ?1", email).firstResultOptional())
                .filter(g -> g.state != GuestState.REMOVED);
        try {
            List<Resource> resources = new ArrayList<>();
            for (AccessPackageChanged.PackageResource r : approved.resources()) {
                resources.add(Resource.<Resource>findByIdOptional(UUID.fromString(r.resourceId()))
                        .orElseThrow(() -> new ConflictProblem("resource " + r.resourceId() + " of the package is no longer here")));
            }
            if (existing.isPresent()) {
                existing.get().requireGrantable();
            }
            // every question first, nothing written until the policies allowed all of it
            Guest subject = existing.orElseGet(() -> newcomer(approved, email));
            Partner partner = subject.partnerId != null ? Partner.findById(subject.partnerId) : partnerOf(approved, email).orElse(null);
            InviteGuest invitation = existing.isPresent() ? null : invitation(approved, email, partner);
            if (invitation != null) {
                policy.checkInvite(invitation, resources.get(0), actor, roles, ownersApproved);
            }
            List<Instant> expiries = new ArrayList<>();
            for (Resource resource : resources) {
                expiries.add(policy.checkGrant(subject, partner, resource, approved.expiresAt(), actor, roles, ownersApproved));
            }

            Guest guest = existing.isPresent() ? Guest.lock(existing.get().id).orElseThrow() : inventory.invite(invitation, actor);
            guest.requireGrantable();
            for (int i = 0; i < resources.size(); i++) {
                inventory.addGrant(guest, resources.get(i), approved.resources().get(i).role(), justification, expiries.get(i), actor,
                        approved.requestId());
            }
            LOG.infof("access request=%s delivered: guest=%s, %d grant(s) until %s", approved.requestId(), guest.id, resources.size(),
                    approved.expiresAt());
        } catch (RefusedByPolicyProblem refused) {
            refuse(approved, existing, refused.getMessage(), refused.reasons());
        } catch (ConflictProblem conflict) {
            refuse(approved, existing, conflict.getMessage(), List.of(Map.of("message", conflict.getMessage())));
        }
    }

    private void refuse(AccessRequestApproved approved, Optional<Guest> guest, String message, List<Map<String, Object>> reasons) {
        outbox.publish(new AccessRequestRefused(approved.requestId(), approved.requester().email().toLowerCase(Locale.ROOT),
                guest.map(g -> g.id.toString()).orElse(approved.guestId()), message, reasons, clock.instant()));
        LOG.infof("access request=%s not delivered: %s", approved.requestId(), message);
    }

    /** The requester as the guest they would become, for the policies' questions (not stored). */
    private static Guest newcomer(AccessRequestApproved approved, String email) {
        Guest guest = new Guest();
        guest.email = email;
        guest.displayName = approved.requester().displayName();
        guest.sponsors.addAll(approved.sponsors());
        guest.partnerId = partnerOf(approved, email).map(p -> p.id).orElse(null);
        return guest;
    }

    private static Optional<Partner> partnerOf(AccessRequestApproved approved, String email) {
        String domain = email.substring(email.indexOf('@') + 1);
        return Optional.ofNullable(approved.requester().homeTenantId()).flatMap(Partner::byTenant).or(() -> Partner.byDomain(domain));
    }

    /** The invitation an admin would send: the home tenant as given, else the partner's, else (an organization not known yet) the domain. */
    private static InviteGuest invitation(AccessRequestApproved approved, String email, Partner partner) {
        String tenant = approved.requester().homeTenantId() != null ? approved.requester().homeTenantId()
                : partner != null ? partner.tenantId : email.substring(email.indexOf('@') + 1);
        return new InviteGuest(email, approved.requester().displayName(), tenant, approved.requester().homeSubject(), approved.sponsors(),
                approved.approvedBy(), UUID.fromString(approved.resources().get(0).resourceId()));
    }
}

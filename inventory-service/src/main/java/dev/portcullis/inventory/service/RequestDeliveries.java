package dev.portcullis.inventory.service;

import dev.portcullis.backbone.outbox.Outbox;
import dev.portcullis.backbone.policy.PackageDelivery;
import dev.portcullis.backbone.problem.ConflictProblem;
import dev.portcullis.backbone.problem.RefusedByPolicyProblem;
import dev.portcullis.events.AccessPackageChanged;
import dev.portcullis.events.AccessRequestApproved;
import dev.portcullis.events.AccessRequestRefused;
import dev.portcullis.inventory.domain.Guest;
import dev.portcullis.inventory.domain.GuestState;
import dev.portcullis.inventory.domain.Partner;
import dev.portcullis.inventory.domain.StateConflict;
import dev.portcullis.inventory.domain.Resource;
import dev.portcullis.inventory.policy.AccessPolicy;
import dev.portcullis.inventory.service.Guests.InviteGuest;
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
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Delivers an approved access request ({@code access-request-approved}): invites the requester if they
 * are no guest yet, and grants every resource of the package with its role until the request's expiry
 * (capped by the policies, as any grant). The policies are asked first, the same questions as for an
 * admin's invite and grant, with the package's authority ({@link PackageDelivery}): each resource in the
 * name of whoever offered it in the package, the approval chain as the owners' consent where one of the
 * owners approved. Who clicked last does not matter: a named approver who owns nothing completes a chain.
 * A package is delivered whole or not at all: if the policies refuse the invitation or any grant, the
 * partner is blocked or the guest is, nothing is written but {@code access-request-refused}. Nothing on
 * the way throws through a transactional method (that would mark the inbox's transaction for rollback,
 * and the refusal would never be written). Runs in the inbox's transaction, so a redelivered event
 * delivers nothing twice.
 */
@ApplicationScoped
public class RequestDeliveries {

    private static final Logger LOG = Logger.getLogger(RequestDeliveries.class);

    @Inject
    AccessPolicy policy;

    @Inject
    Grants grants;

    @Inject
    Guests guests;

    @Inject
    Partners partners;

    @Inject
    Outbox outbox;

    @Inject
    AuditTrail audit;

    @Inject
    Clock clock;

    @Transactional(Transactional.TxType.MANDATORY)
    public void deliver(AccessRequestApproved approved) {
        String email = approved.requester().email().toLowerCase(Locale.ROOT);
        // recorded as the one who completed the chain; the policies hear the package's authority instead
        String actor = approved.approvedBy();
        List<String> approvers = approved.approvers().isEmpty() && !PackageDelivery.NOBODY.equals(actor) ? List.of(actor) : approved.approvers();
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
            Partners.PartnerMatch match = null;
            if (invitation != null) {
                match = partners.matchPartner(invitation.homeTenantId(), email);
                if (match.refusal() != null) {
                    throw new ConflictProblem(match.refusal().message());
                }
                if (Guest.count("lower(email)", email) > 0) {
                    throw new ConflictProblem("a guest with email " + email + " exists");
                }
                policy.checkInvite(invitation, resources.get(0), requester(approved, 0, approvers), approvers);
            }
            List<AccessPolicy.Allowed> expiries = new ArrayList<>();
            for (int i = 0; i < resources.size(); i++) {
                expiries.add(policy.checkGrant(subject, partner, resources.get(i), approved.expiresAt(), requester(approved, i, approvers), approvers));
            }

            Guest guest;
            if (existing.isPresent()) {
                guest = Guest.lock(existing.get().id).orElseThrow();
                guest.requireGrantable();
            } else {
                guest = guests.addGuest(partners.partnerOf(match, invitation.homeTenantId()).id, new Guests.NewGuest(email,
                        invitation.displayName(), invitation.homeTenantId(), invitation.homeSubject(), invitation.sponsors(), actor, null), actor,
                        justification);
            }
            for (int i = 0; i < resources.size(); i++) {
                grants.addGrant(guest, resources.get(i), approved.resources().get(i).role(), justification, expiries.get(i).expiresAt(), actor,
                        approved.requestId(), expiries.get(i).decisionId());
            }
            audit.record(AuditTrail.change("ACCESS_REQUEST_DELIVERED", actor).guest(guest).reason(justification).cause(approved.requestId())
                    .detail("accessPackage", approved.packageId()).detail("approvers", approvers)
                    .detail("offeredBy", approved.resources().stream().map(r -> r.resourceId() + " " + r.offeredBy() + " (" + r.offeredAs() + ")").toList()));
            LOG.infof("access request=%s delivered: guest=%s, %d grant(s) until %s, approved by %s", approved.requestId(), guest.id, resources.size(),
                    approved.expiresAt(), approvers);
        } catch (RefusedByPolicyProblem refused) {
            refuse(approved, existing, refused.getMessage(), refused.reasons());
        } catch (ConflictProblem | StateConflict conflict) {
            refuse(approved, existing, conflict.getMessage(), List.of(Map.of("message", conflict.getMessage())));
        }
    }

    private static Map<String, Object> requester(AccessRequestApproved approved, int resource, List<String> approvers) {
        return PackageDelivery.requester(approved.packageId(), approved.resources().get(resource), approved.approvedBy(), approvers);
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

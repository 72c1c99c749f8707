package dev.portcullis.inventory.service;

import dev.portcullis.backbone.Ids;
import dev.portcullis.backbone.outbox.Outbox;
import dev.portcullis.backbone.problem.BadRequestProblem;
import dev.portcullis.backbone.problem.NotFoundProblem;
import dev.portcullis.backbone.inbox.PoisonMessageException;
import dev.portcullis.events.AccessGranted;
import dev.portcullis.events.AccessRevocationRequested;
import dev.portcullis.events.RevocationReason;
import dev.portcullis.inventory.domain.AccessGrant;
import dev.portcullis.inventory.domain.GrantState;
import dev.portcullis.inventory.domain.Guest;
import dev.portcullis.inventory.domain.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.validation.constraints.Future;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import org.jboss.logging.Logger;

/** Grants: given (by an admin, an owner, a delivered request) and ended on request or by hand. Revocations ends them. */
@ApplicationScoped
public class Grants {

    private static final Logger LOG = Logger.getLogger(Grants.class);

    @Inject
    Outbox outbox;

    @Inject
    Clock clock;

    @Inject
    AuditTrail audit;

    @Inject
    Revocations revocations;

    public record CreateGrant(
            @NotNull UUID guestId,
            @NotNull UUID resourceId,
            @NotBlank @Size(max = 255) String role,
            @Future Instant expiresAt,
            @NotBlank @Size(max = 1000) String justification) {
    }

    /** Grants, with the expiry the policies allow ({@code AccessPolicy.checkGrant} decided it, before this transaction). */
    @Transactional
    public AccessGrant grant(CreateGrant request, dev.portcullis.inventory.policy.AccessPolicy.Allowed allowed, String actor) {
        Guest guest = Guest.lock(request.guestId()).orElseThrow(() -> new BadRequestProblem("guestId", "names no guest"));
        Resource resource = Resource.<Resource>findByIdOptional(request.resourceId())
                .orElseThrow(() -> new BadRequestProblem("resourceId", "names no resource"));
        guest.requireGrantable();
        return addGrant(guest, resource, request.role(), request.justification(), allowed.expiresAt(), actor, null, allowed.decisionId());
    }

    /** Adds an active grant with its event (access-granted) and its audit record. */
    @Transactional(Transactional.TxType.MANDATORY)
    public AccessGrant addGrant(Guest guest, Resource resource, String role, String justification, Instant expiresAt, String actor) {
        return addGrant(guest, resource, role, justification, expiresAt, actor, null, null);
    }

    /**
     * {@link #addGrant}, delivering the access request {@code requestId} (named on the event, so review-service sees it delivered),
     * as policy-service's decision {@code decisionId} allowed it (recorded on the audit record: the evidence says under which decision).
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public AccessGrant addGrant(Guest guest, Resource resource, String role, String justification, Instant expiresAt, String actor,
            String requestId, String decisionId) {
        AccessGrant grant = new AccessGrant();
        grant.id = Ids.next();
        grant.guestId = guest.id;
        grant.resourceId = resource.id;
        grant.role = role;
        grant.state = GrantState.ACTIVE;
        grant.justification = justification;
        grant.grantedAt = clock.instant();
        grant.grantedBy = actor;
        grant.expiresAt = expiresAt;
        grant.persist();
        outbox.publish(new AccessGranted(grant.id.toString(), guest.id.toString(), resource.id.toString(), grant.role, grant.grantedAt,
                grant.expiresAt, actor, grant.justification, requestId));
        audit.record(AuditTrail.change("GRANT_CREATED", actor).guestId(guest.id).resource(resource.id).target(grant.id).reason(grant.justification)
                .detail("role", grant.role).detail("expiresAt", grant.expiresAt).detail("requestId", requestId).detail("policyDecision", decisionId));
        LOG.debugf("grant=%s guest=%s resource=%s role=%s", grant.id, guest.id, resource.id, grant.role);
        return grant;
    }

    /**
     * Revokes the grant another service asks to revoke, with its reason and cause; a grant revoked
     * already (by a signal, by hand, by an earlier request) keeps its first reason, and nothing is
     * published. A request naming no grant, or a grant of another guest, is refused for good (the
     * inbox dead-letters it): the asking service has it wrong, and no retry changes that.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void revokeOnRequest(AccessRevocationRequested request) {
        UUID grantId = UUID.fromString(request.grantId());
        AccessGrant grant = AccessGrant.findById(grantId);
        if (grant == null || !grant.guestId.toString().equals(request.guestId())) {
            throw new PoisonMessageException("access-revocation-requested names grant " + request.grantId() + " of guest " + request.guestId()
                    + ", which inventory does not know");
        }
        Guest.lock(grant.guestId);
        // read again under the guest's lock: a signal may have revoked it while we waited
        AccessGrant.getEntityManager().refresh(grant);
        if (grant.state == GrantState.REVOKED) {
            LOG.infof("grant=%s already revoked (%s); request cause=%s changes nothing", grant.id, grant.revokedReason, request.causeId());
            return;
        }
        revocations.revoke(grant, request.reason(), request.causeId(), request.requestedBy());
        LOG.infof("grant=%s revoked on request reason=%s cause=%s by=%s", grant.id, request.reason(), request.causeId(), request.requestedBy());
    }

    /** Revokes one grant by hand; a grant revoked already (by hand or by a signal that got there first) is a 409, its first reason stays. */
    @Transactional
    public AccessGrant revokeManually(UUID grantId, String note, String actor) {
        AccessGrant grant = AccessGrant.<AccessGrant>findByIdOptional(grantId).orElseThrow(() -> new NotFoundProblem("grant", grantId));
        Guest.lock(grant.guestId);
        // read again under the guest's lock: a signal may have revoked it while we waited
        AccessGrant.getEntityManager().refresh(grant);
        if (grant.state == GrantState.ACTIVE) {
            grant.revocationNote = note;
        }
        revocations.revoke(grant, RevocationReason.MANUAL, null, actor);
        return grant;
    }
}

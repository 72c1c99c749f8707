package dev.portcullis.inventory.service;

import dev.portcullis.backbone.Ids;
import dev.portcullis.backbone.outbox.Outbox;
import dev.portcullis.backbone.problem.BadRequestProblem;
import dev.portcullis.backbone.problem.ConflictProblem;
import dev.portcullis.backbone.problem.NotFoundProblem;
import dev.portcullis.backbone.inbox.PoisonMessageException;
import dev.portcullis.events.AccessGranted;
import dev.portcullis.events.AccessRevocationRequested;
import dev.portcullis.events.GuestInvited;
import dev.portcullis.events.GuestUpdated;
import dev.portcullis.events.PartnerUpserted;
import dev.portcullis.events.ResourceUpserted;
import dev.portcullis.events.RevocationReason;
import dev.portcullis.inventory.domain.GuestChangeReason;
import dev.portcullis.inventory.domain.AccessGrant;
import dev.portcullis.inventory.domain.GrantState;
import dev.portcullis.inventory.domain.Guest;
import dev.portcullis.inventory.domain.GuestState;
import dev.portcullis.inventory.domain.Partner;
import dev.portcullis.inventory.domain.PartnerState;
import dev.portcullis.inventory.domain.Resource;
import dev.portcullis.inventory.rest.Dtos.CreateGrant;
import dev.portcullis.inventory.rest.Dtos.CreatePartner;
import dev.portcullis.inventory.rest.Dtos.CreateResource;
import dev.portcullis.inventory.rest.Dtos.InviteGuest;
import dev.portcullis.inventory.rest.Dtos.PatchPartner;
import dev.portcullis.inventory.rest.Dtos.PatchResource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.Optional;
import org.jboss.logging.Logger;

/** Partners, resources, guests and grants: every change here is committed with its event. */
@ApplicationScoped
public class InventoryService {

    private static final Logger LOG = Logger.getLogger(InventoryService.class);

    @Inject
    Outbox outbox;

    @Inject
    Revocations revocations;

    @Inject
    Clock clock;

    @Inject
    AuditTrail audit;

    @Inject
    PersonalData personalData;

    @Inject
    PartnerEnforcement partnerEnforcement;

    @Transactional
    public Partner createPartner(CreatePartner request, String actor) {
        if (Partner.byTenant(request.tenantId()).isPresent()) {
            throw new ConflictProblem("a partner with tenantId " + request.tenantId() + " exists");
        }
        for (String domain : request.domains()) {
            if (Partner.byDomain(domain).isPresent()) {
                throw new ConflictProblem("domain " + domain + " belongs to another partner");
            }
        }
        Partner partner = new Partner();
        partner.id = Ids.next();
        partner.name = request.name();
        partner.tenantId = request.tenantId();
        partner.state = request.state() == null ? PartnerState.CONNECTED : request.state();
        request.domains().forEach(d -> partner.domains.add(d.toLowerCase(Locale.ROOT)));
        if (request.signalClients() != null) {
            partner.signalClients.addAll(request.signalClients());
        }
        partner.createdAt = clock.instant();
        partner.persist();
        announce(partner, actor);
        audit.record(AuditTrail.change("PARTNER_CREATED", actor).target(partner.id).detail("name", partner.name).detail("tenantId", partner.tenantId)
                .detail("domains", partner.domains).detail("state", partner.state).detail("signalClients", partner.signalClients));
        LOG.infof("partner=%s created tenant=%s", partner.id, partner.tenantId);
        return partner;
    }

    @Transactional
    public Resource createResource(CreateResource request, String actor) {
        if (Resource.count("lower(name) = lower(?1)", request.name()) > 0) {
            throw new ConflictProblem("a resource named " + request.name() + " exists");
        }
        Resource resource = new Resource();
        resource.id = Ids.next();
        resource.name = request.name();
        resource.type = request.type();
        resource.sensitivity = request.sensitivity();
        resource.scenarioId = request.scenarioId();
        request.owners().forEach(o -> resource.owners.add(o.toLowerCase(Locale.ROOT)));
        resource.createdAt = clock.instant();
        resource.persist();
        outbox.publish(new ResourceUpserted(resource.id.toString(), resource.name, resource.type.name(), resource.sensitivity.name(),
                resource.scenarioId, List.copyOf(resource.owners), actor, "created"));
        audit.record(AuditTrail.change("RESOURCE_CREATED", actor).resource(resource.id).detail("name", resource.name).detail("type", resource.type)
                .detail("sensitivity", resource.sensitivity).detail("scenarioId", resource.scenarioId).detail("owners", resource.owners));
        LOG.infof("resource=%s created sensitivity=%s", resource.id, resource.sensitivity);
        return resource;
    }

    /**
     * Invites a guest. The partner is found by home tenant, else by email domain; a guest from an
     * organization nobody configured creates a PROPOSED partner (as Entra does), which policies
     * scoped to connected partners do not match.
     */
    @Transactional
    public Guest invite(InviteGuest request, String actor) {
        String email = request.email().toLowerCase(Locale.ROOT);
        if (Guest.count("lower(email)", email) > 0) {
            throw new ConflictProblem("a guest with email " + email + " exists");
        }
        Partner partner = partnerFor(request.homeTenantId(), email);
        return addGuest(partner.id, new NewGuest(email, request.displayName(), request.homeTenantId(), request.homeSubject(), request.sponsors(),
                request.invitedBy() == null ? actor : request.invitedBy(), null), actor, "invited");
    }

    /** A guest to add: what an invitation or an import row says. */
    public record NewGuest(String email, String displayName, String homeTenantId, String homeSubject, List<String> sponsors, String invitedBy,
            java.time.Instant lastSignInAt) {
    }

    /**
     * The partner a guest belongs to: by home tenant, else by email domain, else a new PROPOSED one.
     * A tenant of one partner with the domain of another is a 400; a BLOCKED partner's people are a 409.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Partner partnerFor(String homeTenantId, String email) {
        PartnerMatch match = matchPartner(homeTenantId, email);
        if (match.refusal() != null) {
            throw match.refusal().problem();
        }
        return partnerOf(match, homeTenantId);
    }

    /** The partner of a match that was not refused: the one known, else a PROPOSED one for the domain (as Entra does). */
    @Transactional(Transactional.TxType.MANDATORY)
    public Partner partnerOf(PartnerMatch match, String homeTenantId) {
        return match.partner() != null ? match.partner() : proposePartner(homeTenantId, match.domain());
    }

    /** Why a guest may not be added to a partner: the field it is about (null: the partner's state, a 409) and what a person can act on. */
    public record Refusal(String field, String message) {
        public RuntimeException problem() {
            return field == null ? new ConflictProblem(message) : new BadRequestProblem(field, message);
        }
    }

    /** The partner a guest of (tenant, email) would join: the partner known (null: one to propose for the domain), or the refusal. */
    public record PartnerMatch(Partner partner, String domain, Refusal refusal) {
    }

    /**
     * {@link #partnerFor}'s answer as a value, writing nothing: not transactional and throwing nothing, so a caller inside its own
     * transaction (an import's chunk, a request's delivery) may ask first and go on with a refusal. An exception thrown through a
     * transactional method marks the caller's transaction for rollback, and its commit then fails.
     */
    public PartnerMatch matchPartner(String homeTenantId, String email) {
        String domain = email.substring(email.indexOf('@') + 1).toLowerCase(Locale.ROOT);
        Optional<Partner> byTenant = Partner.byTenant(homeTenantId);
        Optional<Partner> byDomain = Partner.byDomain(domain);
        if (byTenant.isPresent() && byDomain.isPresent() && !byTenant.get().id.equals(byDomain.get().id)) {
            // one says partner A, the other partner B: a typo or an impostor, and either way not ours to guess
            return new PartnerMatch(null, domain, new Refusal("email", "its domain " + domain + " belongs to partner " + byDomain.get().id
                    + ", but homeTenantId " + homeTenantId + " is partner " + byTenant.get().id + "'s"));
        }
        Partner partner = byTenant.or(() -> byDomain).orElse(null);
        if (partner != null && partner.state == PartnerState.BLOCKED) {
            return new PartnerMatch(partner, domain, new Refusal(null, "partner " + partner.id + " (" + partner.name + ") is BLOCKED: its people cannot be invited"));
        }
        return new PartnerMatch(partner, domain, null);
    }

    /** Adds the guest with its event (guest-invited; the sign-in publisher adds guest-signed-in for one who signed in before) and its audit record. */
    @Transactional(Transactional.TxType.MANDATORY)
    public Guest addGuest(UUID partnerId, NewGuest in, String actor, String reason) {
        Guest guest = new Guest();
        guest.id = Ids.next();
        guest.email = in.email().toLowerCase(Locale.ROOT);
        guest.displayName = in.displayName();
        guest.homeTenantId = in.homeTenantId();
        guest.homeSubject = in.homeSubject();
        guest.partnerId = partnerId;
        guest.state = in.lastSignInAt() == null ? GuestState.INVITED : GuestState.ACTIVE;
        guest.lastSignInAt = in.lastSignInAt();
        // one who signed in before (an import) is active: the sign-in publisher says so, as for any activation
        guest.signInActivationPending = in.lastSignInAt() != null;
        guest.sponsors = new LinkedHashSet<>(in.sponsors().stream().map(s -> s.toLowerCase(Locale.ROOT)).toList());
        guest.invitedBy = in.invitedBy();
        guest.createdAt = clock.instant();
        guest.persist();
        personalData.prepareKey(guest.id);
        outbox.publish(new GuestInvited(guest.id.toString(), guest.email, guest.displayName, partnerId.toString(), guest.homeTenantId,
                guest.homeSubject, List.copyOf(guest.sponsors), guest.createdAt, actor, reason));
        audit.record(AuditTrail.change("GUEST_INVITED", actor).guest(guest).reason(reason).detail("partnerId", partnerId)
                .detail("homeTenantId", guest.homeTenantId).detail("sponsors", guest.sponsors).detail("invitedBy", guest.invitedBy)
                .detail("lastSignInAt", guest.lastSignInAt));
        LOG.debugf("guest=%s added partner=%s by=%s (%s)", guest.id, partnerId, actor, reason);
        return guest;
    }

    /** What a guest's details become: each one as it is to be (the caller fills in what stays). */
    public record GuestDetails(String email, String displayName, List<String> sponsors) {
    }

    /**
     * Changes a guest's address, display name or sponsors (SCIM, or a partner's RISC identifier-changed):
     * {@code guest-updated} naming what changed, and an audit record with the details as they now are.
     * A new address must be nobody else's (409) and not another partner's domain (400). Returns what
     * changed; nothing, and no event, if nothing did.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public List<String> updateGuest(Guest guest, GuestDetails to, String actor, String reason, String cause) {
        if (guest.state == GuestState.REMOVED) {
            throw new ConflictProblem("guest " + guest.id + " is REMOVED");
        }
        String email = to.email().toLowerCase(Locale.ROOT);
        LinkedHashSet<String> sponsors = new LinkedHashSet<>(to.sponsors().stream().map(s -> s.toLowerCase(Locale.ROOT)).toList());
        if (sponsors.isEmpty() || sponsors.size() > 5) {
            throw new BadRequestProblem("sponsors", "a guest has 1 to 5 sponsors");
        }
        List<String> changed = new java.util.ArrayList<>();
        if (!email.equals(guest.email)) {
            checkNewAddress(guest, email);
            guest.email = email;
            changed.add("email");
        }
        if (!java.util.Objects.equals(to.displayName(), guest.displayName)) {
            guest.displayName = to.displayName();
            changed.add("displayName");
        }
        if (!sponsors.equals(new LinkedHashSet<>(guest.sponsors))) {
            guest.sponsors.clear();
            guest.sponsors.addAll(sponsors);
            changed.add("sponsors");
        }
        if (changed.isEmpty()) {
            return changed;
        }
        outbox.publish(new GuestUpdated(guest.id.toString(), guest.email, guest.displayName, List.copyOf(guest.sponsors), List.copyOf(changed),
                reason, cause, clock.instant(), actor));
        audit.record(AuditTrail.change("GUEST_UPDATED", actor).guest(guest).reason(reason).cause(cause).detail("changed", changed)
                .detail("sponsors", guest.sponsors));
        LOG.infof("guest=%s updated %s by=%s (%s)", guest.id, changed, actor, reason);
        return changed;
    }

    /**
     * Whether the guest may take this address: nobody else's (409), and not another partner's domain (400). Not transactional, so
     * a caller inside its own transaction may ask first and go on with the refusal (a thrown exception through a transactional
     * method would mark the transaction for rollback).
     */
    public void checkNewAddress(Guest guest, String email) {
        if (Guest.count("lower(email) = ?1 and id <> ?2", email.toLowerCase(Locale.ROOT), guest.id) > 0) {
            throw new ConflictProblem("a guest with email " + email + " exists");
        }
        String domain = email.substring(email.indexOf('@') + 1);
        Partner.byDomain(domain).filter(p -> !p.id.equals(guest.partnerId)).ifPresent(p -> {
            throw new BadRequestProblem("email", "its domain " + domain + " belongs to partner " + p.id + ", not to the guest's");
        });
    }

    private Partner proposePartner(String tenantId, String domain) {
        Partner partner = new Partner();
        partner.id = Ids.next();
        partner.name = domain;
        partner.tenantId = tenantId;
        partner.state = PartnerState.PROPOSED;
        partner.domains.add(domain);
        partner.createdAt = clock.instant();
        partner.persist();
        announce(partner, "inventory-service");
        LOG.infof("partner=%s proposed tenant=%s domain=%s", partner.id, tenantId, domain);
        return partner;
    }

    /** Changes a resource; what is absent stays. Publishes resource-upserted, so every read model and the policies' re-check follow. */
    @Transactional
    public Resource patchResource(UUID resourceId, PatchResource request, String actor) {
        Resource resource = Optional.ofNullable(Resource.getEntityManager().find(Resource.class, resourceId, LockModeType.PESSIMISTIC_WRITE))
                .orElseThrow(() -> new NotFoundProblem("resource", resourceId));
        if (request.name() != null && !request.name().equalsIgnoreCase(resource.name)
                && Resource.count("lower(name) = lower(?1) and id <> ?2", request.name(), resourceId) > 0) {
            throw new ConflictProblem("a resource named " + request.name() + " exists");
        }
        AuditTrail.Change change = AuditTrail.change("RESOURCE_UPDATED", actor).resource(resourceId);
        if (request.name() != null) {
            change.detail("name", request.name()).detail("nameBefore", resource.name);
            resource.name = request.name();
        }
        if (request.type() != null) {
            change.detail("type", request.type()).detail("typeBefore", resource.type);
            resource.type = request.type();
        }
        if (request.sensitivity() != null) {
            change.detail("sensitivity", request.sensitivity()).detail("sensitivityBefore", resource.sensitivity);
            resource.sensitivity = request.sensitivity();
        }
        if (request.scenarioId() != null) {
            change.detail("scenarioId", request.scenarioId()).detail("scenarioIdBefore", resource.scenarioId);
            resource.scenarioId = request.scenarioId();
        }
        if (request.owners() != null) {
            change.detail("owners", request.owners()).detail("ownersBefore", List.copyOf(resource.owners));
            resource.owners.clear();
            request.owners().forEach(o -> resource.owners.add(o.toLowerCase(Locale.ROOT)));
        }
        outbox.publish(new ResourceUpserted(resource.id.toString(), resource.name, resource.type.name(), resource.sensitivity.name(),
                resource.scenarioId, List.copyOf(resource.owners), actor, "updated"));
        audit.record(change);
        LOG.infof("resource=%s updated by %s", resource.id, actor);
        return resource;
    }

    /** Grants, with the expiry the policies allow ({@code AccessPolicy.checkGrant} decided it, before this transaction). */
    @Transactional
    public AccessGrant grant(CreateGrant request, java.time.Instant expiresAt, String actor) {
        Guest guest = Guest.lock(request.guestId()).orElseThrow(() -> new BadRequestProblem("guestId", "names no guest"));
        Resource resource = Resource.<Resource>findByIdOptional(request.resourceId())
                .orElseThrow(() -> new BadRequestProblem("resourceId", "names no resource"));
        guest.requireGrantable();
        return addGrant(guest, resource, request.role(), request.justification(), expiresAt, actor);
    }

    /** Adds an active grant with its event (access-granted) and its audit record. */
    @Transactional(Transactional.TxType.MANDATORY)
    public AccessGrant addGrant(Guest guest, Resource resource, String role, String justification, java.time.Instant expiresAt, String actor) {
        return addGrant(guest, resource, role, justification, expiresAt, actor, null);
    }

    /** {@link #addGrant}, delivering the access request {@code requestId} (named on the event, so review-service sees it delivered). */
    @Transactional(Transactional.TxType.MANDATORY)
    public AccessGrant addGrant(Guest guest, Resource resource, String role, String justification, java.time.Instant expiresAt, String actor,
            String requestId) {
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
                .detail("role", grant.role).detail("expiresAt", grant.expiresAt).detail("requestId", requestId));
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

    /**
     * Changes a partner under its row lock. A change of state is the partner's at once (a BLOCKED
     * partner's people cannot be invited); its guests follow in batches ({@link PartnerEnforcement}).
     */
    @Transactional
    public Partner patchPartner(UUID partnerId, PatchPartner request, String actor) {
        Partner partner = Optional.ofNullable(Partner.getEntityManager().find(Partner.class, partnerId, LockModeType.PESSIMISTIC_WRITE))
                .orElseThrow(() -> new NotFoundProblem("partner", partnerId));
        if (request.name() != null) {
            partner.name = request.name();
        }
        if (request.domains() != null) {
            for (String domain : request.domains()) {
                Partner.byDomain(domain).filter(other -> !other.id.equals(partnerId)).ifPresent(other -> {
                    throw new ConflictProblem("domain " + domain + " belongs to another partner");
                });
            }
            partner.domains.clear();
            request.domains().forEach(d -> partner.domains.add(d.toLowerCase(Locale.ROOT)));
        }
        if (request.signalClients() != null) {
            partner.signalClients.clear();
            partner.signalClients.addAll(request.signalClients());
        }
        PartnerState before = partner.state;
        audit.record(AuditTrail.change("PARTNER_UPDATED", actor).target(partner.id).detail("name", request.name()).detail("domains", request.domains())
                .detail("signalClients", request.signalClients()).detail("state", request.state()).detail("stateBefore", before));
        if (request.state() != null && request.state() != before) {
            partner.state = request.state();
            partner.stateChangedBy = actor;
            partner.stateChangedAt = clock.instant();
            // the guests follow in batches, from the committed state: PartnerEnforcement, woken at commit
            partnerEnforcement.wakeAfterCommit();
            LOG.infof("partner=%s state %s -> %s by %s", partnerId, before, partner.state, actor);
        }
        announce(partner, actor);
        return partner;
    }

    /** Every partner's creation and change, for the other services' own copy (who may request an access package). */
    private void announce(Partner partner, String actor) {
        outbox.publish(new PartnerUpserted(partner.id.toString(), partner.name, partner.tenantId, List.copyOf(partner.domains), partner.state.name(),
                actor, clock.instant()));
    }

    /** An admin's block: blocked (reason ADMIN, never lifted by a signal or a job), every grant revoked (MANUAL). 409 if blocked or removed already. */
    @Transactional
    public Guest block(UUID guestId, String reason, String actor) {
        Guest guest = Guest.lock(guestId).orElseThrow(() -> new NotFoundProblem("guest", guestId));
        if (guest.state == GuestState.BLOCKED || guest.state == GuestState.REMOVED) {
            throw new ConflictProblem("guest " + guestId + " is " + guest.state + " already");
        }
        revocations.blockAndRevokeAll(guest, GuestChangeReason.ADMIN, cause(reason), actor);
        return guest;
    }

    /** An admin lifts any block; revoked grants stay revoked. 409 unless blocked. */
    @Transactional
    public Guest unblock(UUID guestId, String reason, String actor) {
        Guest guest = Guest.lock(guestId).orElseThrow(() -> new NotFoundProblem("guest", guestId));
        if (!revocations.unblock(guest, GuestChangeReason.ADMIN, cause(reason), actor)) {
            throw new ConflictProblem("guest " + guestId + " is " + guest.state + ", not BLOCKED");
        }
        return guest;
    }

    /** An admin removes a guest, revoking what remains. 409 if removed already. */
    @Transactional
    public Guest remove(UUID guestId, String reason, String actor) {
        Guest guest = Guest.lock(guestId).orElseThrow(() -> new NotFoundProblem("guest", guestId));
        if (revocations.remove(guest, GuestChangeReason.ADMIN, cause(reason), actor).isEmpty()) {
            throw new ConflictProblem("guest " + guestId + " is REMOVED already");
        }
        return guest;
    }

    /** The admin's words as the cause the events carry. */
    private static String cause(String reason) {
        return reason == null || reason.isBlank() ? null : "admin: " + (reason.length() > 240 ? reason.substring(0, 240) : reason);
    }
}

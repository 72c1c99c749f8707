package dev.portcullis.inventory.service;

import dev.portcullis.backbone.Ids;
import dev.portcullis.backbone.outbox.Outbox;
import dev.portcullis.backbone.problem.BadRequestProblem;
import dev.portcullis.backbone.problem.ConflictProblem;
import dev.portcullis.backbone.problem.NotFoundProblem;
import dev.portcullis.events.PartnerUpserted;
import dev.portcullis.inventory.domain.Partner;
import dev.portcullis.inventory.domain.PartnerState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/** Partner organizations: connecting, changing and matching a guest to its partner. Every change is committed with its event. */
@ApplicationScoped
public class Partners {

    private static final Logger LOG = Logger.getLogger(Partners.class);

    @Inject
    Outbox outbox;

    @Inject
    Clock clock;

    @Inject
    EntityManager em;

    @Inject
    AuditTrail audit;

    @Inject
    PartnerEnforcement partnerEnforcement;

    public record CreatePartner(
            @NotBlank @Size(max = 255) String name,
            @NotBlank @Size(max = 255) String tenantId,
            @NotNull @Size(max = 50) List<@NotBlank @Size(max = 253) @Pattern(regexp = "^[A-Za-z0-9.-]+\\.[A-Za-z]{2,}$", message = "must be a domain name") String> domains,
            PartnerState state,
            @Size(max = 20) List<@NotBlank @Size(max = 255) String> signalClients) {
    }

    /** A partial change: what is absent stays. */
    public record PatchPartner(
            @Size(min = 1, max = 255) String name,
            @Size(min = 1, max = 50) List<@NotBlank @Size(max = 253) @Pattern(regexp = "^[A-Za-z0-9.-]+\\.[A-Za-z]{2,}$", message = "must be a domain name") String> domains,
            PartnerState state,
            @Size(max = 20) List<@NotBlank @Size(max = 255) String> signalClients) {
    }

    @Transactional
    public Partner create(CreatePartner request, String actor) {
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

    /**
     * Changes a partner under its row lock. A change of state is the partner's at once (a BLOCKED
     * partner's people cannot be invited); its guests follow in batches ({@link PartnerEnforcement}).
     */
    @Transactional
    public Partner patch(UUID partnerId, PatchPartner request, String actor) {
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

    /**
     * Every partner's creation and change, for the other services' own copy (who may request an access package, and the posture:
     * whether its offboarding reaches us).
     */
    private void announce(Partner partner, String actor) {
        Instant ssfVerifiedAt = em.createQuery("select t.verifiedAt from PartnerTransmitter t where t.partnerId = :partner", Instant.class)
                .setParameter("partner", partner.id).getResultStream().filter(java.util.Objects::nonNull).findFirst().orElse(null);
        outbox.publish(new PartnerUpserted(partner.id.toString(), partner.name, partner.tenantId, List.copyOf(partner.domains), partner.state.name(),
                actor, clock.instant(), new PartnerUpserted.SignalChannels(ssfVerifiedAt, partner.lastSignalAt, partner.scimProvisionedAt)));
    }

    /** A signal for the partner arrived (any channel): recorded, and announced, when the last one recorded is a day old or more. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void signalReceived(String tenantId, Instant at) {
        Partner.byTenant(tenantId).filter(p -> p.lastSignalAt == null || p.lastSignalAt.isBefore(at.minus(java.time.Duration.ofDays(1))))
                .ifPresent(p -> {
                    p.lastSignalAt = at;
                    announce(p, "inventory-service");
                });
    }

    /** One of the partner's guests was provisioned over SCIM: the first one marks the partner as provisioned so, and announces it. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void provisionedOverScim(UUID partnerId, Instant at) {
        if (partnerId == null) {
            return;
        }
        Partner partner = Partner.findById(partnerId);
        if (partner != null && partner.scimProvisionedAt == null) {
            partner.scimProvisionedAt = at;
            announce(partner, "inventory-service");
        }
    }

    /** The partner's Shared Signals stream was verified: announced, so the posture counts the partner as connected. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void streamVerified(UUID partnerId) {
        Partner partner = Partner.findById(partnerId);
        if (partner != null) {
            announce(partner, "inventory-service");
        }
    }
}

package dev.portcullis.inventory.policy;

import dev.portcullis.backbone.policy.PackageDelivery;
import dev.portcullis.backbone.policy.PolicyDecisionPoint;
import dev.portcullis.backbone.problem.BadRequestProblem;
import dev.portcullis.backbone.problem.RefusedByPolicyProblem;
import dev.portcullis.inventory.domain.AccessGrant;
import dev.portcullis.inventory.domain.Guest;
import dev.portcullis.inventory.domain.Partner;
import dev.portcullis.inventory.domain.PartnerState;
import dev.portcullis.inventory.domain.Resource;
import dev.portcullis.inventory.service.Grants.CreateGrant;
import dev.portcullis.inventory.service.Guests.InviteGuest;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Asks policy-service before an invite or a grant, outside the transaction that makes it (no lock is
 * held across the network). A denial is a 422 with the policies' reasons; no answer a 503; both
 * before anything is written. Of the obligations, an expiry caps the grant's {@code expiresAt}; one
 * this service cannot fulfil (the owners' approval of a self-service grant) refuses, since a grant
 * made without it would break the policy; a directory-visibility one is for resource servers.
 */
@ApplicationScoped
public class AccessPolicy {

    @Inject
    PolicyDecisionPoint pdp;

    void warnIfOff(@Observes StartupEvent event) {
        pdp.warnIfOff("invites and grants are not evaluated");
    }

    /** Refuses an invite the policies deny. */
    public void checkInvite(InviteGuest request, Resource resource, String actor, Set<String> roles) {
        checkInvite(request, resource, caller(actor, roles), List.of());
    }

    /**
     * Refuses an invite the policies deny, asked by {@code requester} (AuthZEN's {@code context.requester}); {@code approvers}: the
     * approval chain of an access request it delivers (none for a person's own invite).
     */
    public void checkInvite(InviteGuest request, Resource resource, Map<String, Object> requester, List<String> approvers) {
        if (!pdp.enabled()) {
            return;
        }
        String email = request.email().toLowerCase(Locale.ROOT);
        String domain = email.substring(email.indexOf('@') + 1);
        Optional<Partner> partner = Partner.byTenant(request.homeTenantId()).or(() -> Partner.byDomain(domain));
        Map<String, Object> subject = new LinkedHashMap<>();
        subject.put("email", email);
        partner.ifPresent(p -> subject.put("partnerId", p.id.toString()));
        // an organization nobody configured becomes a PROPOSED partner with the invite
        subject.put("partnerState", partner.map(p -> p.state).orElse(PartnerState.PROPOSED).name());
        subject.put("sponsors", request.sponsors().stream().map(s -> s.toLowerCase(Locale.ROOT)).toList());
        // invited to a resource (as an owner must be): the resource's scenario and owners count
        PolicyDecisionPoint.Answer answer = pdp.decide(request(Map.of("type", "guest", "id", email, "properties", subject), "invite",
                resource == null ? Map.of("type", "directory", "id", "guests") : target(resource), requester, null));
        refuseUnlessAllowed(answer, "invite " + email);
        refuseUnmet(answer.obligations(), approvers, "invite " + email);
    }

    /** A grant the policies allow: the expiry to give it, and the decision that allowed it (its id in policy-service's log; null without one). */
    public record Allowed(Instant expiresAt, String decisionId) {
    }

    /** Refuses a grant the policies deny; returns the expiry to give it (the one asked for, capped by any policy's) and the decision. */
    public Allowed checkGrant(CreateGrant request, String actor, Set<String> roles) {
        if (!pdp.enabled()) {
            return new Allowed(request.expiresAt(), null);
        }
        Guest guest = Guest.<Guest>findByIdOptional(request.guestId()).orElseThrow(() -> new BadRequestProblem("guestId", "names no guest"));
        Resource resource = Resource.<Resource>findByIdOptional(request.resourceId())
                .orElseThrow(() -> new BadRequestProblem("resourceId", "names no resource"));
        Partner partner = guest.partnerId == null ? null : Partner.findById(guest.partnerId);
        return checkGrant(guest, partner, resource, request.expiresAt(), caller(actor, roles), List.of());
    }

    /**
     * Refuses a grant of {@code resource} to {@code guest} (of {@code partner}, if known) that the policies deny; returns the
     * expiry to give it, and the decision. The guest need not be stored yet: an access request's delivery checks everything before it invites.
     */
    public Allowed checkGrant(Guest guest, Partner partner, Resource resource, Instant requestedExpiry, Map<String, Object> requester,
            List<String> approvers) {
        if (!pdp.enabled()) {
            return new Allowed(requestedExpiry, null);
        }
        Map<String, Object> subject = new LinkedHashMap<>();
        subject.put("email", guest.email);
        if (partner != null) {
            subject.put("partnerId", partner.id.toString());
            subject.put("partnerState", partner.state.name());
        } else if (guest.id == null) {
            subject.put("partnerState", PartnerState.PROPOSED.name()); // a newcomer of an organization nobody configured: it is proposed with them
        }
        subject.put("sponsors", List.copyOf(guest.sponsors));
        String subjectId = guest.id != null ? guest.id.toString() : guest.email;
        PolicyDecisionPoint.Answer answer = pdp.decide(request(Map.of("type", "guest", "id", subjectId, "properties", subject), "grant",
                target(resource), requester, requestedExpiry));
        String what = "grant " + resource.name + " to " + guest.email;
        refuseUnlessAllowed(answer, what);
        Instant expiresAt = requestedExpiry;
        for (Map<String, Object> obligation : answer.obligations()) {
            if ("expiresAt".equals(obligation.get("type")) && obligation.get("notAfter") instanceof String notAfter) {
                Instant limit = Instant.parse(notAfter);
                expiresAt = expiresAt == null || expiresAt.isAfter(limit) ? limit : expiresAt;
            }
        }
        refuseUnmet(answer.obligations(), approvers, what);
        return new Allowed(expiresAt, answer.decisionId());
    }

    /** An owner's revocation on their own resource: the scenario's control model decides it (IT_GOVERNED leaves it to admins). */
    public void checkRevoke(AccessGrant grant, String actor, Set<String> roles) {
        if (!pdp.enabled()) {
            return;
        }
        Resource resource = Resource.findById(grant.resourceId);
        PolicyDecisionPoint.Answer answer = pdp.decide(request(Map.of("type", "guest", "id", grant.guestId.toString()), "revoke", target(resource),
                caller(actor, roles), null));
        refuseUnlessAllowed(answer, "revoke " + grant.role + " on " + resource.name);
    }

    private static Map<String, Object> target(Resource resource) {
        Map<String, Object> target = new LinkedHashMap<>();
        target.put("sensitivity", resource.sensitivity.name());
        if (isUuid(resource.scenarioId)) {
            target.put("scenarioId", resource.scenarioId);
        }
        target.put("owners", List.copyOf(resource.owners));
        return Map.of("type", "resource", "id", resource.id.toString(), "properties", target);
    }

    /** A person asking for themselves: their address and the roles their token grants. */
    private static Map<String, Object> caller(String actor, Set<String> roles) {
        return Map.of("id", actor, "roles", List.copyOf(roles));
    }

    private static Map<String, Object> request(Map<String, Object> subject, String action, Map<String, Object> resource,
            Map<String, Object> requester, Instant expiresAt) {
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("requester", requester);
        if (expiresAt != null) {
            context.put("expiresAt", expiresAt.toString());
        }
        return Map.of("subject", subject, "action", Map.of("name", action), "resource", resource, "context", context);
    }

    private static void refuseUnlessAllowed(PolicyDecisionPoint.Answer answer, String what) {
        if (!answer.allowed()) {
            throw new RefusedByPolicyProblem("the policies refuse to " + what, answer.reasons());
        }
    }

    /** Refuses what the policies allow only with an obligation this service cannot carry out, or an owners' approval not given. */
    private static void refuseUnmet(List<Map<String, Object>> obligations, List<String> approvers, String what) {
        List<Map<String, Object>> unmet = PackageDelivery.unmet(obligations, approvers);
        if (unmet.isEmpty()) {
            return;
        }
        Map<String, Object> obligation = unmet.get(0);
        String message = "ownerApproval".equals(obligation.get("type")) && approvers.isEmpty()
                ? "the policies allow this only with the resource owners' approval, which a direct grant does not have: ask for it as an access request"
                : PackageDelivery.explain(obligation);
        Map<String, Object> reason = new LinkedHashMap<>(obligation);
        reason.put("message", message);
        throw new RefusedByPolicyProblem("the policies refuse to " + what + ": " + message, List.of(reason));
    }

    private static boolean isUuid(String value) {
        try {
            return value != null && UUID.fromString(value).toString().equalsIgnoreCase(value);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}

package dev.portcullis.policy.engine;

import dev.portcullis.events.Sensitivity;
import dev.portcullis.policy.domain.PolicyRule.PartnerState;
import dev.portcullis.policy.domain.Scenario.ControlModel;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * What one decision is about, resolved from the AuthZEN request and the read model: who (the guest),
 * what they would do, on which resource (none for an invite), asked by whom, and when. A fact nobody
 * knows is null, and each rule says what an unknown fact means for it (a rule that needs it denies).
 */
public record Facts(String action, Guest guest, Resource resource, Requester requester, Instant now, Boolean holdsGrant, Instant accessEnds,
        Memo memo) {

    public Facts(String action, Guest guest, Resource resource, Requester requester, Instant now) {
        this(action, guest, resource, requester, now, null, null, new Memo());
    }

    /**
     * {@code holdsGrant}: whether the guest holds an active grant on the resource; null when either is not one Portcullis knows.
     * {@code accessEnds}: when the access asked for ends (the request's {@code context.expiresAt}, or now plus its
     * {@code context.duration}); null when it does not say.
     */
    public Facts(String action, Guest guest, Resource resource, Requester requester, Instant now, Boolean holdsGrant, Instant accessEnds) {
        this(action, guest, resource, requester, now, holdsGrant, accessEnds, new Memo());
    }

    /**
     * What several policies of one decision derive from the same facts, derived once per decision: the
     * CEL variables (however many CONDITION policies read them), the guest's email domain, the
     * latest expiry of each maximum duration. One decision, one thread: not shared.
     */
    public static final class Memo {
        private dev.cel.runtime.CelVariableResolver variables;
        private String domain;
        private boolean domainKnown;
        private java.time.Period period;
        private String notAfter;

        /** A resolver, not a map: a map handed to a CEL program is copied into an activation on every evaluation. */
        dev.cel.runtime.CelVariableResolver celVariables(Facts facts) {
            if (variables == null) {
                java.util.Map<String, Object> values = Condition.variables(facts);
                variables = name -> java.util.Optional.ofNullable(values.get(name));
            }
            return variables;
        }

        String domain(Facts facts) {
            if (!domainKnown) {
                domain = PolicyRules.domainOf(facts.guest().email());
                domainKnown = true;
            }
            return domain;
        }

        String notAfter(Facts facts, java.time.Period maxDuration) {
            if (!maxDuration.equals(period)) {
                notAfter = facts.now().atOffset(java.time.ZoneOffset.UTC).plus(maxDuration).toInstant().toString();
                period = maxDuration;
            }
            return notAfter;
        }
    }

    /** Actions a PEP asks about: inviting a guest, granting a resource, and using it. */
    public static final String INVITE = "invite";
    public static final String GRANT = "grant";
    public static final String ACCESS = "access";
    /** Asked only of a resource owner's own revocation: the control model decides it, no policy does. */
    public static final String REVOKE = "revoke";
    /**
     * Asked before an access package is saved (resource type {@code access-package}): may it offer its resources
     * (the highest sensitivity among them) for as long as it says? Only the scenario's guard rails take part:
     * the sensitivity ceiling and the maximum duration. The people who will request it are checked at delivery.
     */
    public static final String OFFER = "offer";

    /** {@code properties}: what the request said of the subject, as it said it (CEL sees it; the named facts win a clash). */
    public record Guest(String id, String email, UUID partnerId, PartnerState partnerState, List<String> sponsors, Integer inactiveDays,
            java.util.Map<String, Object> properties) {
    }

    public record Resource(String id, Sensitivity sensitivity, UUID scenarioId, ControlModel controlModel, List<String> owners,
            java.util.Map<String, Object> properties) {
    }

    /** Who asks for the change: their address and roles, as the PEP authenticated them. */
    public record Requester(String id, Set<String> roles) {

        public static final Requester UNKNOWN = new Requester(null, Set.of());
    }

    public boolean changesAccess() {
        return INVITE.equals(action) || GRANT.equals(action);
    }

    /** A resource owner (not an admin) acting on access themselves: delegated control, which the scenario's control model bounds. */
    public boolean byOwnerHimself() {
        return (changesAccess() || REVOKE.equals(action)) && requester.roles().contains(dev.portcullis.backbone.rest.Roles.OWNER)
                && !requester.roles().contains(dev.portcullis.backbone.rest.Roles.ADMIN);
    }
}

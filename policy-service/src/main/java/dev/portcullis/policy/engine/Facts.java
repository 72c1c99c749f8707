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
public record Facts(String action, Guest guest, Resource resource, Requester requester, Instant now, Boolean holdsGrant, CelView cel) {

    public Facts(String action, Guest guest, Resource resource, Requester requester, Instant now) {
        this(action, guest, resource, requester, now, null, new CelView());
    }

    /** {@code holdsGrant}: whether the guest holds an active grant on the resource; null when either is not one Portcullis knows. */
    public Facts(String action, Guest guest, Resource resource, Requester requester, Instant now, Boolean holdsGrant) {
        this(action, guest, resource, requester, now, holdsGrant, new CelView());
    }

    /** The facts as CEL variables, built once per decision however many CONDITION policies read them. */
    public static final class CelView {
        private java.util.Map<String, Object> variables;

        java.util.Map<String, Object> of(Facts facts) {
            if (variables == null) {
                variables = Condition.variables(facts);
            }
            return variables;
        }
    }

    /** Actions a PEP asks about: inviting a guest, granting a resource, and using it. */
    public static final String INVITE = "invite";
    public static final String GRANT = "grant";
    public static final String ACCESS = "access";

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
}

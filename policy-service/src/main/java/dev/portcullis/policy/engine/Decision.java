package dev.portcullis.policy.engine;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A decision and why: the enforced policies that denied, the obligations of those that allow on
 * conditions, what report-only policies would have said (never a denial), and every enforced
 * policy version that took part, so that each decision names the versions that made it.
 */
public record Decision(boolean decision, Context context) {

    public record Context(List<Reason> reasons, List<Map<String, Object>> obligations, List<Reason> findings, List<PolicyRef> policies) {
    }

    /** Why a decision denies: a policy (id, version, name, rule type), or, without them, the access itself ({@code rule} GRANT). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Reason(UUID policyId, Integer version, String policy, String rule, String message) {

        public static final Reason NO_GRANT = new Reason(null, null, null, "GRANT", "the guest holds no active grant on this resource");

        /** The rule of a reason that the scenario's control model gave, not a policy. */
        public static final String CONTROL_MODEL = "CONTROL_MODEL";
    }

    public record PolicyRef(UUID policyId, int version) {
    }
}

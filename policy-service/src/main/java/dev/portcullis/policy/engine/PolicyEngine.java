package dev.portcullis.policy.engine;

import dev.portcullis.policy.domain.Policy.Mode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides from a set of current policies, in memory: no I/O. Enforced policies deny (any one is
 * enough) and add obligations; report-only ones only add findings; disabled ones are not loaded.
 */
public final class PolicyEngine {

    private final List<CompiledPolicy> policies;

    public PolicyEngine(List<CompiledPolicy> policies) {
        this.policies = policies.stream().filter(p -> p.mode() != Mode.DISABLED).toList();
    }

    /** The policies in force or reporting, in a stable order. */
    public List<CompiledPolicy> policies() {
        return policies;
    }

    public int size() {
        return policies.size();
    }

    public Decision decide(Facts facts) {
        List<Decision.Reason> reasons = new ArrayList<>();
        List<Map<String, Object>> obligations = new ArrayList<>();
        List<Decision.Reason> findings = new ArrayList<>();
        List<Decision.PolicyRef> took = new ArrayList<>();
        if (Facts.ACCESS.equals(facts.action()) && Boolean.FALSE.equals(facts.holdsGrant())) {
            // access to a Portcullis resource is what a grant gives: without one, no policy can allow it
            reasons.add(Decision.Reason.NO_GRANT);
        }
        for (CompiledPolicy policy : policies) {
            RuleOutcome outcome = policy.evaluate(facts);
            if (!outcome.applies()) {
                continue;
            }
            if (policy.mode() == Mode.REPORT_ONLY) {
                if (outcome.denies()) {
                    findings.add(reason(policy, "would deny: " + outcome.denial()));
                }
                for (Map<String, Object> obligation : outcome.obligations()) {
                    findings.add(reason(policy, "would oblige: " + obligation));
                }
                continue;
            }
            took.add(new Decision.PolicyRef(policy.id(), policy.version()));
            if (outcome.denies()) {
                reasons.add(reason(policy, outcome.denial()));
            }
            for (Map<String, Object> obligation : outcome.obligations()) {
                Map<String, Object> named = new LinkedHashMap<>(obligation);
                named.put("policyId", policy.id());
                named.put("version", policy.version());
                obligations.add(named);
            }
        }
        boolean allowed = reasons.isEmpty();
        // a denial carries no obligations: there is nothing to apply them to
        return new Decision(allowed, new Decision.Context(reasons, allowed ? obligations : List.of(), findings, took));
    }

    private static Decision.Reason reason(CompiledPolicy policy, String message) {
        return new Decision.Reason(policy.id(), policy.version(), policy.name(), policy.rule().type().name(), message);
    }
}

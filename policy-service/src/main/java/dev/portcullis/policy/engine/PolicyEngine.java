package dev.portcullis.policy.engine;

import dev.portcullis.policy.domain.Policy.Mode;
import dev.portcullis.policy.domain.PolicyScope;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Decides from a set of current policies, in memory: no I/O. Enforced policies deny (any one is
 * enough) and add obligations; report-only ones only add findings; disabled ones are not loaded.
 * <p>
 * Policies scoped to partners are indexed by partner, those scoped to scenarios (and not partners)
 * by scenario: a decision tests only the unscoped ones and those of its guest's partner and its
 * resource's scenario, in the policies' order, so the outcome is the same as testing all of them.
 */
public final class PolicyEngine {

    private static final int[] NONE = new int[0];

    private final List<CompiledPolicy> policies;
    private final int[] unindexed;
    private final Map<UUID, int[]> byPartner;
    private final Map<UUID, int[]> byScenario;

    public PolicyEngine(List<CompiledPolicy> policies) {
        this.policies = policies.stream().filter(p -> p.mode() != Mode.DISABLED).toList();
        List<Integer> rest = new ArrayList<>();
        Map<UUID, List<Integer>> partners = new HashMap<>();
        Map<UUID, List<Integer>> scenarios = new HashMap<>();
        for (int i = 0; i < this.policies.size(); i++) {
            PolicyScope scope = this.policies.get(i).scope();
            if (!scope.partnerIds().isEmpty()) {
                for (UUID partner : scope.partnerIds()) {
                    partners.computeIfAbsent(partner, k -> new ArrayList<>()).add(i);
                }
            } else if (!scope.scenarioIds().isEmpty()) {
                for (UUID scenario : scope.scenarioIds()) {
                    scenarios.computeIfAbsent(scenario, k -> new ArrayList<>()).add(i);
                }
            } else {
                rest.add(i);
            }
        }
        this.unindexed = ints(rest);
        this.byPartner = new HashMap<>();
        partners.forEach((k, v) -> byPartner.put(k, ints(v)));
        this.byScenario = new HashMap<>();
        scenarios.forEach((k, v) -> byScenario.put(k, ints(v)));
    }

    private static int[] ints(List<Integer> list) {
        return list.stream().mapToInt(Integer::intValue).distinct().toArray();
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
        if (facts.byOwnerHimself()) {
            // delegated control is the scenario's to give, whatever the policies say: IT_GOVERNED leaves owners out, DELEGATED lets an
            // owner act on their own resources, SELF_SERVICE too (anyone else needs the owners' approval)
            RuleOutcome control = PolicyRules.inviters(facts);
            if (control.denies()) {
                reasons.add(new Decision.Reason(null, null, null, Decision.Reason.CONTROL_MODEL, control.denial()));
            }
            obligations.addAll(control.obligations());
            if (Facts.REVOKE.equals(facts.action())) {
                boolean allowed = reasons.isEmpty();
                return new Decision(allowed, new Decision.Context(reasons, allowed ? obligations : List.of(), findings, took));
            }
        }
        int[] partner = facts.guest().partnerId() == null ? NONE : byPartner.getOrDefault(facts.guest().partnerId(), NONE);
        int[] scenario = facts.resource() == null || facts.resource().scenarioId() == null ? NONE
                : byScenario.getOrDefault(facts.resource().scenarioId(), NONE);
        int a = 0;
        int b = 0;
        int c = 0;
        while (a < unindexed.length || b < partner.length || c < scenario.length) {
            // the next policy in the policies' order among the three sorted lists
            int next = Math.min(a < unindexed.length ? unindexed[a] : Integer.MAX_VALUE,
                    Math.min(b < partner.length ? partner[b] : Integer.MAX_VALUE, c < scenario.length ? scenario[c] : Integer.MAX_VALUE));
            if (a < unindexed.length && unindexed[a] == next) {
                a++;
            }
            if (b < partner.length && partner[b] == next) {
                b++;
            }
            if (c < scenario.length && scenario[c] == next) {
                c++;
            }
            CompiledPolicy policy = policies.get(next);
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

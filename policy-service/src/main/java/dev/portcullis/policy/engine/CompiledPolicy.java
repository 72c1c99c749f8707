package dev.portcullis.policy.engine;

import dev.portcullis.events.Sensitivity;
import dev.portcullis.policy.domain.Policy.Mode;
import dev.portcullis.policy.domain.PolicyRule;
import dev.portcullis.policy.domain.PolicyScope;
import java.time.Period;
import java.util.UUID;

/** One current policy version, ready to decide: its rule checked, its period parsed and its condition compiled once, when it was loaded. */
public record CompiledPolicy(UUID id, int version, String name, Mode mode, PolicyScope scope, PolicyRule rule, Period maxDuration,
        Condition condition) {

    public static CompiledPolicy of(UUID id, int version, String name, Mode mode, PolicyScope scope, PolicyRule rule) {
        return new CompiledPolicy(id, version, name, mode, scope, rule,
                rule.type() == PolicyRule.Type.MAX_GRANT_DURATION ? PolicyRules.period(rule.maxDuration()) : null,
                rule.type() == PolicyRule.Type.CONDITION ? Condition.compile(rule.expression(), rule.message()) : null);
    }

    /** Whether this policy takes part in a decision about {@code facts}. */
    public boolean inScope(Facts facts) {
        if (!scope.partnerIds().isEmpty() && (facts.guest().partnerId() == null || !scope.partnerIds().contains(facts.guest().partnerId()))) {
            return false;
        }
        Facts.Resource resource = facts.resource();
        if (scope.aboutResources() && resource == null) {
            return false;
        }
        if (!scope.scenarioIds().isEmpty() && (resource.scenarioId() == null || !scope.scenarioIds().contains(resource.scenarioId()))) {
            return false;
        }
        Sensitivity min = scope.minSensitivity();
        // a resource of unknown sensitivity is treated as the most sensitive: in every sensitivity scope
        return min == null || resource.sensitivity() == null || resource.sensitivity().compareTo(min) >= 0;
    }

    public RuleOutcome evaluate(Facts facts) {
        return inScope(facts) ? PolicyRules.evaluate(rule, maxDuration, condition, facts) : RuleOutcome.NOT_APPLICABLE;
    }
}

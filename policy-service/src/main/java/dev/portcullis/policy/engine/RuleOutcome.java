package dev.portcullis.policy.engine;

import java.util.List;
import java.util.Map;

/** What one rule says about one decision: nothing (not its business), a denial with its message, or obligations. */
public record RuleOutcome(boolean applies, String denial, List<Map<String, Object>> obligations) {

    public static final RuleOutcome NOT_APPLICABLE = new RuleOutcome(false, null, List.of());
    public static final RuleOutcome ALLOW = new RuleOutcome(true, null, List.of());

    public static RuleOutcome deny(String message) {
        return new RuleOutcome(true, message, List.of());
    }

    public static RuleOutcome oblige(Map<String, Object> obligation) {
        return new RuleOutcome(true, null, List.of(obligation));
    }

    public boolean denies() {
        return denial != null;
    }
}

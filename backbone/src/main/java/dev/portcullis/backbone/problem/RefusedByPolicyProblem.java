package dev.portcullis.backbone.problem;

import java.util.List;
import java.util.Map;

/** A request the policies refuse: a 422 whose problem document lists their reasons (policy id, version, message). */
public class RefusedByPolicyProblem extends RuntimeException {

    private final transient List<Map<String, Object>> reasons;

    public RefusedByPolicyProblem(String message, List<Map<String, Object>> reasons) {
        super(message);
        this.reasons = List.copyOf(reasons);
    }

    public List<Map<String, Object>> reasons() {
        return reasons;
    }
}

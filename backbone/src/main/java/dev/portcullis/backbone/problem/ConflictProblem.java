package dev.portcullis.backbone.problem;

import dev.portcullis.backbone.work.PermanentFailure;

/** A state change the aggregate refuses (revoking a revoked grant, granting to a blocked guest). */
public class ConflictProblem extends RuntimeException implements PermanentFailure {

    public ConflictProblem(String message) {
        super(message);
    }
}

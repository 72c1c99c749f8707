package dev.portcullis.backbone.problem;

/** A state change the aggregate refuses (revoking a revoked grant, granting to a blocked guest). */
public class ConflictProblem extends RuntimeException {

    public ConflictProblem(String message) {
        super(message);
    }
}

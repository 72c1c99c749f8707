package dev.portcullis.backbone.problem;

import dev.portcullis.backbone.work.PermanentFailure;

/** Input that passed the bean constraints but is still wrong (a reference to nothing, a bad cursor). */
public class BadRequestProblem extends RuntimeException implements PermanentFailure {

    private final String field;

    public BadRequestProblem(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}

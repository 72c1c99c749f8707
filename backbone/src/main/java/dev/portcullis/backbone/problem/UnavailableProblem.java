package dev.portcullis.backbone.problem;

/** Something this request depends on did not answer: a 503 with Retry-After, and nothing changed. */
public class UnavailableProblem extends RuntimeException {

    public UnavailableProblem(String message) {
        super(message);
    }
}

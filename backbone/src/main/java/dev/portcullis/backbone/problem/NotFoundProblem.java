package dev.portcullis.backbone.problem;

import java.util.UUID;

public class NotFoundProblem extends RuntimeException {

    public NotFoundProblem(String what, UUID id) {
        this(what, id.toString());
    }

    public NotFoundProblem(String what, String id) {
        super(what + " " + id + " does not exist");
    }
}

package dev.portcullis.backbone.problem;

import dev.portcullis.backbone.work.PermanentFailure;
import java.util.UUID;

public class NotFoundProblem extends RuntimeException implements PermanentFailure {

    public NotFoundProblem(String what, UUID id) {
        this(what, id.toString());
    }

    public NotFoundProblem(String what, String id) {
        super(what + " " + id + " does not exist");
    }
}

package dev.portcullis.backbone.rest;

import java.util.UUID;

public class NotFoundProblem extends RuntimeException {

    public NotFoundProblem(String what, UUID id) {
        super(what + " " + id + " does not exist");
    }
}

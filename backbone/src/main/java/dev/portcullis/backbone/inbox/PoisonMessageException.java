package dev.portcullis.backbone.inbox;

/** A message that will never apply, however often it is redelivered: it goes to the dead-letter topic. */
public class PoisonMessageException extends RuntimeException {

    public PoisonMessageException(String message) {
        super(message);
    }
}

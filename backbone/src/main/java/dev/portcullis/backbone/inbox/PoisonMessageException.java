package dev.portcullis.backbone.inbox;

import dev.portcullis.backbone.work.PermanentFailure;

/** A message that will never apply, however often it is redelivered: it goes to the dead-letter topic. */
public class PoisonMessageException extends RuntimeException implements PermanentFailure {

    public PoisonMessageException(String message) {
        super(message);
    }
}

package dev.portcullis.inventory.domain;

import dev.portcullis.backbone.work.PermanentFailure;

/**
 * A change the entity's state does not allow: a removed guest blocked, a blocked guest granted access, a revoked grant revoked
 * again. The domain's own word; the REST edge answers it with 409 ({@code rest/DomainErrors}), and a consumer dead-letters it.
 */
public class StateConflict extends RuntimeException implements PermanentFailure {

    public StateConflict(String message) {
        super(message);
    }
}

package dev.portcullis.notification.rest;

import dev.portcullis.backbone.problem.BadRequestProblem;
import dev.portcullis.backbone.rest.QueryParams;
import dev.portcullis.notification.domain.Notification;

/** A message type named in a request (a preference, a webhook's types, a preview): the one way it is read. */
final class MessageTypes {

    private MessageTypes() {
    }

    /** The type called {@code name}; a 400 naming {@code field} (with the types there are) if there is none. */
    static Notification.Type named(String field, String name) {
        Notification.Type type = QueryParams.enumValue(Notification.Type.class, field, name);
        if (type == null) {
            throw new BadRequestProblem(field, "must be a message type");
        }
        return type;
    }
}

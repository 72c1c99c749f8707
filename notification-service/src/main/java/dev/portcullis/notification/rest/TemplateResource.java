package dev.portcullis.notification.rest;

import dev.portcullis.backbone.rest.Roles;
import dev.portcullis.notification.domain.Notification;
import dev.portcullis.notification.service.Messages;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/templates")
@Tag(name = "templates", description = "What each message type looks like")
public class TemplateResource {

    @Inject
    Messages messages;

    public record Preview(Notification.Type type, String subject, String text, String html) {
    }

    @GET
    @Path("/{type}/preview")
    @RolesAllowed({Roles.ADMIN, Roles.AUDITOR})
    @Operation(summary = "Preview a message type", description = "The type's templates (templates/messages/<type>.txt and .html) rendered with"
            + " sample data and the configured brand: the subject, the plain-text part and the HTML part, as a recipient would get them."
            + " type: REVIEW_ASSIGNED, REVIEW_REMINDER, APPROVAL_REQUESTED, APPROVAL_REMINDER, ACCESS_REQUEST_DECIDED, GUEST_ACCESS_REVOKED,"
            + " RESOURCE_ACCESS_REVOKED, ORGANIZATION_BLOCKED, ACCESS_EXPIRING, CAMPAIGN_COMPLETED, GUEST_REMOVED, POLICY_VIOLATION; any other is a 400 naming the field.")
    public Preview preview(@PathParam("type") String type) {
        Notification.Type which = MessageTypes.named("type", type);
        Messages.Rendered rendered = messages.sample(which);
        return new Preview(which, rendered.subject(), rendered.text(), rendered.html());
    }
}

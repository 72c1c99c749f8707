package dev.portcullis.notification.rest;

import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import dev.portcullis.backbone.rest.Roles;
import dev.portcullis.backbone.rest.ListQuery;
import dev.portcullis.backbone.rest.Page;
import dev.portcullis.backbone.rest.QueryParams;
import dev.portcullis.notification.domain.Notification;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import java.time.Instant;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/notifications")
@Tag(name = "notifications", description = "The message log")
public class NotificationResource {

    @Inject
    EntityManager em;

    /** {@code webhookId}: the copy posted to that webhook endpoint; none for the mail itself. */
    public record NotificationView(UUID id, String recipient, Notification.Type type, String subject, String body, String causeId,
            UUID guestId, UUID webhookId, Notification.Status status, int attempts, String lastError, Instant createdAt, Instant sentAt) {
        static NotificationView of(Notification n) {
            return new NotificationView(n.id, n.recipient, n.type, n.subject, n.body, n.causeId, n.guestId, n.webhookId, n.status, n.attempts,
                    n.lastError, n.createdAt, n.sentAt);
        }
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.AUDITOR})
    @Operation(summary = "The message log", description = "Filters: recipient, type, status (PENDING, SENT, FAILED, SUPPRESSED, CANCELLED, HELD, DIGESTED), causeId (e.g."
            + " a partner signal's id), webhookId (the copies posted to that endpoint). Each mail and each webhook post is an entry. Keyset-paged.")
    public Page<NotificationView> list(@QueryParam("recipient") String recipient, @QueryParam("type") String type,
            @QueryParam("status") String status, @QueryParam("causeId") String causeId, @QueryParam("webhookId") String webhookId, @QueryParam("limit") @Parameter(description = "page size", schema = @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "500", defaultValue = "50")) String limit,
            @QueryParam("cursor") String cursor) {
        return ListQuery.of(Notification.class)
                .filter("lower(e.recipient) = lower(:recipient)", "recipient", recipient)
                .filter("e.type = :type", "type", QueryParams.enumValue(Notification.Type.class, "type", type))
                .filter("e.status = :status", "status", QueryParams.enumValue(Notification.Status.class, "status", status))
                .filter("e.causeId = :causeId", "causeId", causeId)
                .filter("e.webhookId = :webhookId", "webhookId", QueryParams.uuid("webhookId", webhookId))
                .page(em, limit, cursor, n -> n.id, NotificationView::of);
    }
}

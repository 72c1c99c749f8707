package dev.portcullis.notification.rest;

import java.util.Map;
import dev.portcullis.events.ocsf.OcsfMapping.Change;
import dev.portcullis.backbone.outbox.AdminChanges;
import dev.portcullis.backbone.Ids;
import dev.portcullis.backbone.rest.Actor;
import dev.portcullis.backbone.problem.BadRequestProblem;
import dev.portcullis.backbone.problem.NotFoundProblem;
import dev.portcullis.backbone.rest.Roles;
import dev.portcullis.notification.domain.Notification;
import dev.portcullis.notification.domain.Webhook;
import dev.portcullis.notification.service.WebhookPoster;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/webhooks")
@Tag(name = "webhooks", description = "Endpoints that receive the messages as signed JSON (Standard Webhooks)")
public class WebhookResource {

    @Inject
    AdminChanges adminChanges;

    @Inject
    dev.portcullis.backbone.outbound.Outbound outbound;

    @Inject
    Actor actor;

    @Inject
    Clock clock;

    public record NewWebhook(@NotBlank @Size(max = 2000) String url, @NotNull @Size(min = 1, max = 20) List<@NotNull String> types,
            @Size(max = 200) String secret) {
    }

    /** {@code secret}: only in the answer that creates it. */
    public record WebhookView(UUID id, String url, List<String> types, String secret, String createdBy, Instant createdAt)
            implements dev.portcullis.backbone.rest.ShownOnce {

        @Override
        public Object withoutSecret() {
            return new WebhookView(id, url, types, null, createdBy, createdAt);
        }

        static WebhookView of(Webhook w, boolean withSecret) {
            return new WebhookView(w.id, w.url, List.of(w.types), withSecret ? w.secret : null, w.createdBy, w.createdAt);
        }
    }

    @POST
    @RolesAllowed(Roles.ADMIN)
    @Transactional
    @Operation(summary = "Add a webhook endpoint", description = "url (https, absolute; http only where portcullis.outbound.allow-http is on; not into the platform's own"
            + " networks: a host resolving to a loopback, private, link-local, CGNAT, unique-local, NAT64 or 6to4 address is refused unless it is"
            + " in portcullis.outbound.private-hosts, here and again before each post); types: the message types it receives; secret:"
            + " whsec_ and the base64 of a 24-64 byte key, or none to have one made. Each message of those types is posted to it as JSON"
            + " {id, type, recipient, subject, text, causeId, guestId, createdAt}, signed per Standard Webhooks (webhook-id, webhook-timestamp,"
            + " webhook-signature v1 HMAC-SHA256), retried like a mail. The secret is in this answer only. Each refusal is a 400 naming the field.")
    public Response create(@Valid @NotNull NewWebhook request) {
        URI url;
        try {
            url = URI.create(request.url());
        } catch (IllegalArgumentException e) {
            throw new BadRequestProblem("url", "is not a URL");
        }
        String refusal = outbound.refusal(url);
        if (refusal != null) {
            throw new BadRequestProblem("url", refusal);
        }
        Set<String> types = new LinkedHashSet<>();
        for (int i = 0; i < request.types().size(); i++) {
            String name = request.types().get(i);
            types.add(MessageTypes.named("types[" + i + "]", name).name());
        }
        String secret = request.secret() == null ? WebhookPoster.newSecret() : request.secret();
        try {
            WebhookPoster.key(secret);
        } catch (IllegalArgumentException e) {
            throw new BadRequestProblem("secret", e.getMessage() + " (Standard Webhooks: whsec_ and base64)");
        }
        Webhook w = new Webhook();
        w.id = Ids.next();
        w.url = url.toString();
        w.secret = secret;
        w.types = types.toArray(String[]::new);
        w.createdBy = actor.name();
        w.createdAt = clock.instant();
        w.persist();
        adminChanges.record(w.createdBy, Change.CREATED, "Webhook", "webhook-created", w.id, origin(w.url), Map.of("types", List.of(w.types)));
        return Response.created(URI.create("/api/v1/webhooks/" + w.id)).entity(WebhookView.of(w, true)).build();
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.AUDITOR})
    @Operation(summary = "List the webhook endpoints", description = "Those not deleted, without their secrets.")
    public List<WebhookView> list() {
        return Webhook.<Webhook>list("deletedAt is null order by createdAt").stream().map(w -> WebhookView.of(w, false)).toList();
    }

    @DELETE
    @Path("/{id}")
    @RolesAllowed(Roles.ADMIN)
    @Transactional
    @Operation(summary = "Delete a webhook endpoint", description = "It receives nothing more: its posts still waiting are FAILED ('the"
            + " endpoint was deleted'). Kept for the message log. 404 for an unknown or deleted one.")
    public Response delete(@PathParam("id") UUID id) {
        Webhook w = Webhook.findById(id);
        if (w == null || w.deletedAt != null) {
            throw new NotFoundProblem("webhook", id);
        }
        w.deletedAt = clock.instant();
        Notification.update("status = ?1, lastError = ?2 where webhookId = ?3 and status = ?4", Notification.Status.FAILED,
                "the endpoint was deleted", id, Notification.Status.PENDING);
        adminChanges.record(actor.name(), Change.DELETED, "Webhook", "webhook-deleted", w.id, origin(w.url), Map.of());
        return Response.noContent().build();
    }

    /**
     * The SOC's feed names an endpoint by its origin alone: a chat tool's webhook URL carries its secret in the path, and a URL may
     * carry credentials before its host.
     */
    static String origin(String url) {
        URI u = URI.create(url);
        return u.getScheme() + "://" + u.getHost() + (u.getPort() == -1 ? "" : ":" + u.getPort());
    }
}

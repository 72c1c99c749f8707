package dev.portcullis.inventory.rest;

import dev.portcullis.events.RevocationReason;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import dev.portcullis.backbone.rest.Roles;
import dev.portcullis.backbone.rest.Actor;
import dev.portcullis.inventory.policy.AccessPolicy;
import dev.portcullis.backbone.rest.ListQuery;
import dev.portcullis.backbone.rest.Page;
import dev.portcullis.backbone.rest.QueryParams;
import dev.portcullis.inventory.domain.AccessGrant;
import dev.portcullis.inventory.domain.GrantState;
import dev.portcullis.inventory.service.Grants.CreateGrant;
import dev.portcullis.inventory.service.Grants;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/grants")
@Tag(name = "grants", description = "A guest's access to a resource")
public class GrantResource {

    @Inject
    Grants grants;

    @Inject
    EntityManager em;

    @Inject
    Actor actor;

    @Inject
    AccessPolicy policy;

    @Inject
    OwnerScope scope;

    @POST
    @RolesAllowed({Roles.ADMIN, Roles.OWNER})
    @Operation(summary = "Grant a guest access to a resource", description = "Asks policy-service first: 422 with the policies' reasons if they"
            + " refuse, 503 if it gives no decision in time (nothing is created); a policy's maximum duration caps expiresAt. 409 if the guest"
            + " is BLOCKED or REMOVED. Publishes access-granted. An owner grants on their own resources only (delegated control): the scenario's"
            + " control model decides (IT_GOVERNED: 422), then the policies.")
    public Response grant(@Valid @NotNull CreateGrant request) {
        scope.requireOwn(request.resourceId(), "resourceId");
        AccessPolicy.Allowed allowed = policy.checkGrant(request, actor.email(), actor.roles());
        AccessGrant grant = grants.grant(request, allowed, actor.name());
        return Response.created(URI.create("/api/v1/grants/" + grant.id)).entity(GrantView.of(grant)).build();
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.AUDITOR, Roles.OWNER})
    @Operation(summary = "List grants", description = "Filters: guestId, resourceId, state (ACTIVE or REVOKED). Keyset-paged. An owner sees the"
            + " grants on their own resources only.")
    public Page<GrantView> list(@QueryParam("guestId") String guestId, @QueryParam("resourceId") String resourceId,
            @QueryParam("state") String state, @QueryParam("limit") @Parameter(description = "page size", schema = @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "500", defaultValue = "50")) String limit, @QueryParam("cursor") String cursor) {
        return scope.narrow(ListQuery.of(AccessGrant.class), OwnerScope.GRANT)
                .filter("e.guestId = :guestId", "guestId", QueryParams.uuid("guestId", guestId))
                .filter("e.resourceId = :resourceId", "resourceId", QueryParams.uuid("resourceId", resourceId))
                .filter("e.state = :state", "state", QueryParams.enumValue(GrantState.class, "state", state))
                .page(em, limit, cursor, g -> g.id, GrantView::of);
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({Roles.ADMIN, Roles.AUDITOR, Roles.OWNER})
    @Operation(summary = "Get a grant", description = "404 for an owner unless it is on their resource.")
    public GrantView get(@PathParam("id") UUID id) {
        return GrantView.of(scope.visible(AccessGrant.<AccessGrant>findById(id), id));
    }

    @DELETE
    @Path("/{id}")
    @RolesAllowed({Roles.ADMIN, Roles.OWNER})
    @Operation(summary = "Revoke a grant", description = "Reason MANUAL; 409 if revoked already. Publishes access-revoked. An owner revokes on"
            + " their own resources only (404 otherwise), as the scenario's control model allows (IT_GOVERNED: 422).")
    public GrantView revoke(@PathParam("id") UUID id, @Valid RevokeGrant request) {
        AccessGrant grant = scope.visible(AccessGrant.<AccessGrant>findById(id), id);
        if (scope.owner() != null) {
            policy.checkRevoke(grant, actor.email(), actor.roles());
        }
        return GrantView.of(grants.revokeManually(id, request == null ? null : request.reason(), actor.name()));
    }

    public record RevokeGrant(@Size(max = 1000) String reason) {
    }

    public record GrantView(UUID id, UUID guestId, UUID resourceId, String role, GrantState state, String justification,
            Instant grantedAt, String grantedBy, Instant expiresAt, Instant revokedAt, RevocationReason revokedReason, String revokedBy,
            String revocationCause, String revocationNote) {
        static GrantView of(AccessGrant g) {
            return new GrantView(g.id, g.guestId, g.resourceId, g.role, g.state, g.justification, g.grantedAt, g.grantedBy, g.expiresAt,
                    g.revokedAt, g.revokedReason, g.revokedBy, g.revocationCause, g.revocationNote);
        }
    }
}

package dev.portcullis.inventory.rest;

import dev.portcullis.events.RevocationReason;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.portcullis.events.Sensitivity;
import dev.portcullis.inventory.domain.Resource;
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
    @Operation(summary = "List grants", description = "Filters: guestId, resourceId, state (ACTIVE or REVOKED), partnerId (the guest's"
            + " partner), minSensitivity (the resource's sensitivity or above), q (the guest's email or display-name prefix). Each item"
            + " names its guest's email and its resource's name and sensitivity. Keyset-paged. An owner sees the grants on their own"
            + " resources only.")
    public Page<GrantView> list(@QueryParam("guestId") String guestId, @QueryParam("resourceId") String resourceId,
            @QueryParam("state") String state, @QueryParam("partnerId") String partnerId,
            @QueryParam("minSensitivity") String minSensitivity, @QueryParam("q") String q,
            @QueryParam("limit") @Parameter(description = "page size", schema = @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "500", defaultValue = "50")) String limit, @QueryParam("cursor") String cursor) {
        Sensitivity least = QueryParams.enumValue(Sensitivity.class, "minSensitivity", minSensitivity);
        Page<GrantView> page = scope.narrow(ListQuery.of(AccessGrant.class), OwnerScope.GRANT)
                .filter("e.guestId = :guestId", "guestId", QueryParams.uuid("guestId", guestId))
                .filter("e.resourceId = :resourceId", "resourceId", QueryParams.uuid("resourceId", resourceId))
                .filter("e.state = :state", "state", QueryParams.enumValue(GrantState.class, "state", state))
                .filter("e.guestId in (select pg.id from Guest pg where pg.partnerId = :partnerId)", "partnerId",
                        QueryParams.uuid("partnerId", partnerId))
                .filter("e.resourceId in (select sr.id from Resource sr where sr.sensitivity in :sensitivities)", "sensitivities",
                        least == null ? null : EnumSet.range(least, Sensitivity.HIGHLY_CONFIDENTIAL))
                .filter("e.guestId in (select qg.id from Guest qg where lower(qg.email) like :q or lower(qg.displayName) like :q)", "q",
                        q == null || q.isBlank() ? null : q.toLowerCase(Locale.ROOT) + "%")
                .page(em, limit, cursor, g -> g.id, GrantView::of);
        return new Page<>(named(page.items()), page.nextCursor());
    }

    /** The page's grants with their guests' emails and resources' names: two queries for the page, not two per grant. */
    private List<GrantView> named(List<GrantView> items) {
        if (items.isEmpty()) {
            return items;
        }
        Map<UUID, String> emails = new HashMap<>();
        em.createQuery("select g.id, g.email from Guest g where g.id in :ids", Object[].class)
                .setParameter("ids", items.stream().map(GrantView::guestId).distinct().toList())
                .getResultList().forEach(row -> emails.put((UUID) row[0], (String) row[1]));
        Map<UUID, Resource> resources = new HashMap<>();
        em.createQuery("select r from Resource r where r.id in :ids", Resource.class)
                .setParameter("ids", items.stream().map(GrantView::resourceId).distinct().toList())
                .getResultList().forEach(r -> resources.put(r.id, r));
        return items.stream().map(v -> {
            Resource r = resources.get(v.resourceId());
            return v.named(emails.get(v.guestId()), r == null ? null : r.name, r == null ? null : r.sensitivity);
        }).toList();
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

    /** {@code guestEmail}, {@code resourceName} and {@code sensitivity} are given in a list, where they save a call per row. */
    public record GrantView(UUID id, UUID guestId, UUID resourceId, String role, GrantState state, String justification,
            Instant grantedAt, String grantedBy, Instant expiresAt, Instant revokedAt, RevocationReason revokedReason, String revokedBy,
            String revocationCause, String revocationNote, @JsonInclude(JsonInclude.Include.NON_NULL) String guestEmail,
            @JsonInclude(JsonInclude.Include.NON_NULL) String resourceName, @JsonInclude(JsonInclude.Include.NON_NULL) Sensitivity sensitivity) {
        static GrantView of(AccessGrant g) {
            return new GrantView(g.id, g.guestId, g.resourceId, g.role, g.state, g.justification, g.grantedAt, g.grantedBy, g.expiresAt,
                    g.revokedAt, g.revokedReason, g.revokedBy, g.revocationCause, g.revocationNote, null, null, null);
        }

        GrantView named(String email, String resource, Sensitivity level) {
            return new GrantView(id, guestId, resourceId, role, state, justification, grantedAt, grantedBy, expiresAt, revokedAt,
                    revokedReason, revokedBy, revocationCause, revocationNote, email, resource, level);
        }
    }
}

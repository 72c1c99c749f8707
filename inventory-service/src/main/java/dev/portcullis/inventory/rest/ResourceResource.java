package dev.portcullis.inventory.rest;

import dev.portcullis.inventory.domain.ResourceType;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import dev.portcullis.backbone.rest.Roles;
import dev.portcullis.backbone.rest.Actor;
import dev.portcullis.backbone.rest.ListQuery;
import dev.portcullis.backbone.rest.Page;
import dev.portcullis.backbone.rest.QueryParams;
import dev.portcullis.inventory.domain.Resource;
import dev.portcullis.events.Sensitivity;
import dev.portcullis.inventory.service.Resources.CreateResource;
import dev.portcullis.inventory.service.Resources;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import dev.portcullis.inventory.service.Resources.PatchResource;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/resources")
@Tag(name = "resources", description = "Applications, groups, sites, teams and access packages guests can be granted")
public class ResourceResource {

    @Inject
    Resources resources;

    @Inject
    EntityManager em;

    @Inject
    Actor actor;

    @Inject
    OwnerScope scope;

    @POST
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Register a resource with its owners", description = "Publishes resource-upserted on inventory.resources.")
    public Response create(@Valid @NotNull CreateResource request) {
        Resource resource = resources.create(request, actor.name());
        return Response.created(URI.create("/api/v1/resources/" + resource.id)).entity(ResourceView.of(resource)).build();
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.AUDITOR, Roles.OWNER})
    @Operation(summary = "List resources", description = "Filters: sensitivity, owner (email). Keyset-paged. An owner sees their own resources only.")
    public Page<ResourceView> list(@QueryParam("sensitivity") String sensitivity, @QueryParam("owner") String owner,
            @QueryParam("limit") @Parameter(description = "page size", schema = @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "500", defaultValue = "50")) String limit, @QueryParam("cursor") String cursor) {
        return scope.narrow(ListQuery.of(Resource.class), OwnerScope.RESOURCE)
                .filter("e.sensitivity = :sensitivity", "sensitivity", QueryParams.enumValue(Sensitivity.class, "sensitivity", sensitivity))
                .joinFilter("join e.owners o", "lower(o) = lower(:owner)", "owner", owner)
                .page(em, limit, cursor, r -> r.id, ResourceView::of);
    }

    @PATCH
    @Path("/{id}")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Change a resource", description = "name, type, sensitivity, scenarioId, owners (1 to 20); what is absent stays."
            + " Publishes resource-upserted: the policies re-check the grants on it (a raised sensitivity may now violate a ceiling). 409 if"
            + " another resource has the name.")
    public ResourceView patch(@PathParam("id") UUID id, @Valid @NotNull PatchResource request) {
        return ResourceView.of(resources.patch(id, request, actor.name()));
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({Roles.ADMIN, Roles.AUDITOR, Roles.OWNER})
    @Operation(summary = "Get a resource", description = "404 for an owner who does not own it.")
    public ResourceView get(@PathParam("id") UUID id) {
        return ResourceView.of(scope.visible(Resource.<Resource>findById(id), id));
    }

    public record ResourceView(UUID id, String name, ResourceType type, Sensitivity sensitivity, String scenarioId, Set<String> owners, Instant createdAt) {
        static ResourceView of(Resource r) {
            return new ResourceView(r.id, r.name, r.type, r.sensitivity, r.scenarioId, r.owners, r.createdAt);
        }
    }
}

package dev.portcullis.review.rest;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.portcullis.backbone.rest.Actor;
import dev.portcullis.backbone.rest.ListQuery;
import dev.portcullis.backbone.problem.NotFoundProblem;
import dev.portcullis.backbone.rest.Page;
import dev.portcullis.backbone.rest.Roles;
import dev.portcullis.review.service.AccessPackages;
import dev.portcullis.review.service.PackageSpec;
import dev.portcullis.review.domain.AccessPackage;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/access-packages")
@Tag(name = "access packages", description = "What partners request: resources with a role each, and the policy of a request")
public class AccessPackageResource {

    public record PackageView(UUID id, int version, @JsonUnwrapped PackageSpec definition, String createdBy, Instant createdAt, String updatedBy,
            Instant updatedAt) {
    }

    public record VersionView(int version, @JsonUnwrapped PackageSpec definition, String changedBy, Instant changedAt) {
    }

    @Inject
    AccessPackages packages;

    @Inject
    EntityManager em;

    @Inject
    Actor actor;

    @POST
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Create an access package", description = "name; scenarioId; owners (1-20); resources (1-50 {resourceId, role}, each a"
            + " resource review-service knows, once); requestPolicy: who {type NAMED_PARTNERS (with partnerIds) | CONNECTED_PARTNERS |"
            + " EXISTING_GUESTS, allowProposedPartners}, approvalStages (0-3 {approvers RESOURCE_OWNERS | SPONSORS | PACKAGE_OWNERS | NAMED,"
            + " namedApprovers (NAMED only), fallbackApprovers (required for RESOURCE_OWNERS and SPONSORS, and for every stage under ESCALATE),"
            + " deadlineDays 1-90, justificationRequired}), onDeadline DENY | ESCALATE, lifetimeDays 1-3650 or until (a future date; one of"
            + " them), extendable, questions (0-10 {id, text, required}, ids unique). Each refusal is a 400 naming the field. Then policy-service"
            + " checks it against its scenario's guard rails (the sensitivity ceiling over its most sensitive resource, the maximum duration"
            + " over its lifetime): a refusal is a 422 listing the policies' reasons (policyId, version, rule, message); no answer in time a"
            + " 503; either way nothing is saved. Version 1; publishes access-package-changed.")
    public Response create(@Valid @NotNull PackageSpec request) {
        AccessPackage p = packages.create(request, actor.name(), actor.email(), actor.roles());
        return Response.created(URI.create("/api/v1/access-packages/" + p.id)).entity(view(p)).build();
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.AUDITOR, Roles.OWNER})
    @Operation(summary = "List access packages", description = "Every package for admins and auditors; a business owner's own packages for"
            + " them. Keyset-paged with limit and cursor.")
    public Page<PackageView> list(@QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        ListQuery<AccessPackage> query = ListQuery.of(AccessPackage.class);
        if (actor.isOwnerOnly()) {
            query = query.filter("array_contains(e.owners, :me)", "me", actor.email());
        }
        return query.page(em, limit, cursor, p -> p.id, this::view);
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({Roles.ADMIN, Roles.AUDITOR, Roles.OWNER})
    @Operation(summary = "Get an access package", description = "Its latest version. A business owner reads only their own packages (404 otherwise).")
    public PackageView get(@PathParam("id") UUID id) {
        return view(find(id));
    }

    @PUT
    @Path("/{id}")
    @RolesAllowed({Roles.ADMIN, Roles.OWNER})
    @Operation(summary = "Change an access package", description = "The same rules and guard rails as creating it; a new version, the earlier ones kept."
            + " Admins change anything; a package's owners change their own package (404 for another's) but not its scenario or its owners"
            + " (403), nor add a resource they do not own (403 naming it): each resource records who offered it (offeredBy, offeredAs), whose"
            + " authority a delivery acts with. Publishes access-package-changed.")
    public PackageView update(@PathParam("id") UUID id, @Valid @NotNull PackageSpec request) {
        return view(packages.update(id, request, actor.name(), actor.email(), actor.roles(), actor.isOwnerOnly()));
    }

    @GET
    @Path("/{id}/versions")
    @RolesAllowed({Roles.ADMIN, Roles.AUDITOR, Roles.OWNER})
    @Operation(summary = "Every version of an access package", description = "Oldest first, each with who changed it and when.")
    public List<VersionView> versions(@PathParam("id") UUID id) {
        find(id);
        return packages.versions(id).stream().map(row -> new VersionView(((Number) row[0]).intValue(), packages.spec((String) row[1]),
                (String) row[2], (Instant) row[3])).toList();
    }

    private AccessPackage find(UUID id) {
        AccessPackage p = AccessPackage.findById(id);
        if (p == null || (actor.isOwnerOnly() && !p.ownedBy(actor.email()))) {
            throw new NotFoundProblem("access package", id);
        }
        return p;
    }

    private PackageView view(AccessPackage p) {
        return new PackageView(p.id, p.version, packages.spec(p.spec), p.createdBy, p.createdAt, p.updatedBy, p.updatedAt);
    }
}

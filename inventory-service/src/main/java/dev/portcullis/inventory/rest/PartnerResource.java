package dev.portcullis.inventory.rest;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import dev.portcullis.backbone.rest.Roles;
import dev.portcullis.backbone.rest.ListQuery;
import dev.portcullis.backbone.problem.NotFoundProblem;
import dev.portcullis.backbone.rest.Page;
import dev.portcullis.backbone.rest.QueryParams;
import dev.portcullis.inventory.domain.Partner;
import dev.portcullis.inventory.domain.PartnerState;
import dev.portcullis.inventory.service.Partners.CreatePartner;
import dev.portcullis.inventory.service.Partners;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.GET;
import dev.portcullis.inventory.service.Partners.PatchPartner;
import dev.portcullis.backbone.rest.Actor;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/partners")
@Tag(name = "partners", description = "Partner (connected) organizations")
public class PartnerResource {

    @Inject
    Partners partners;

    @Inject
    EntityManager em;

    @Inject
    Actor actor;

    @POST
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Connect a partner organization", description = "tenantId and each domain belong to one partner only (409 otherwise).")
    public Response create(@Valid @NotNull CreatePartner request) {
        Partner partner = partners.create(request, actor.name());
        return Response.created(URI.create("/api/v1/partners/" + partner.id)).entity(PartnerView.of(partner)).build();
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.AUDITOR})
    @Operation(summary = "List partners", description = "Filter by state; keyset-paged with limit and cursor.")
    public Page<PartnerView> list(@QueryParam("state") String state, @QueryParam("limit") @Parameter(description = "page size", schema = @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "500", defaultValue = "50")) String limit, @QueryParam("cursor") String cursor) {
        return ListQuery.of(Partner.class)
                .filter("e.state = :state", "state", QueryParams.enumValue(PartnerState.class, "state", state))
                .page(em, limit, cursor, p -> p.id, PartnerView::of);
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({Roles.ADMIN, Roles.AUDITOR})
    @Operation(summary = "Get a partner")
    public PartnerView get(@PathParam("id") UUID id) {
        return Partner.<Partner>findByIdOptional(id).map(PartnerView::of).orElseThrow(() -> new NotFoundProblem("partner", id));
    }

    @PATCH
    @Path("/{id}")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Change a partner", description = "name, domains, state, signalClients; what is absent stays. Setting state BLOCKED"
            + " is the org-wide kill switch: every guest of the partner is BLOCKED (reason PARTNER_BLOCKED) and their grants REVOKED (reason"
            + " PARTNER_BLOCKED), each with its own events, in batches that start as the change commits (the answer does not wait for them;"
            + " GET /api/v1/guests?partnerId=&state=BLOCKED shows the progress). Leaving BLOCKED lifts only those blocks (an admin's, a"
            + " signal's or a review's stay); revoked grants stay revoked. A domain of another partner is 409.")
    public PartnerView patch(@PathParam("id") UUID id, @Valid @NotNull PatchPartner request) {
        return PartnerView.of(partners.patch(id, request, actor.name()));
    }

    /** {@code lastSignalAt} (recorded at most once a day) and {@code scimProvisionedAt}: whether the partner's offboarding reaches us. */
    public record PartnerView(UUID id, String name, String tenantId, Set<String> domains, PartnerState state, Set<String> signalClients,
            Instant createdAt, Instant lastSignalAt, Instant scimProvisionedAt) {
        static PartnerView of(Partner p) {
            return new PartnerView(p.id, p.name, p.tenantId, p.domains, p.state, p.signalClients, p.createdAt, p.lastSignalAt, p.scimProvisionedAt);
        }
    }
}

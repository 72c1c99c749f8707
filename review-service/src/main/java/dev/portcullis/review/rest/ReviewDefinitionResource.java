package dev.portcullis.review.rest;

import java.time.Instant;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.portcullis.backbone.rest.Actor;
import dev.portcullis.backbone.rest.ListQuery;
import dev.portcullis.backbone.problem.NotFoundProblem;
import dev.portcullis.backbone.rest.Page;
import dev.portcullis.backbone.rest.Roles;
import dev.portcullis.review.service.Campaigns;
import dev.portcullis.review.service.DefinitionSpec;
import dev.portcullis.review.domain.Campaign;
import dev.portcullis.review.domain.ReviewDefinition;
import dev.portcullis.review.rest.CampaignResource.CampaignView;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
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

@Path("/api/v1/review-definitions")
@Tag(name = "review definitions", description = "What to review, by whom and how often")
public class ReviewDefinitionResource {

    @Inject
    Campaigns campaigns;

    @Inject
    EntityManager em;

    @Inject
    Actor actor;

    @POST
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Define a review", description = "durationDays 1-180; a recurring definition's interval at least its duration (MONTHLY"
            + " counts 28 days, QUARTERLY 89); scope.inactiveDays 1-730; NAMED needs namedReviewers; RESOURCE_OWNERS and SPONSORS need"
            + " fallbackReviewers; each reminder fewer days before the end than the duration. Each refusal is a 400 naming the field. A recurring"
            + " definition starts its first campaign at startAt, or at once; a ONCE definition at startAt, or when an admin starts it."
            + " Multi-stage: the reviewers and durationDays above are stage 1; laterStages (at most 2) each name their reviewers, durationDays"
            + " and proceed (which items of the stage before move on: APPROVED, DENIED, NOT_REVIEWED, DONT_KNOW or ALL; the others keep that"
            + " stage's decision, or the default); the stages last 180 days at most together, and a reminder day is fewer than every stage's"
            + " days. showEarlierDecisions lets later stages' reviewers see the earlier decisions. The outcome is the last stage's decision.")
    public Response create(@Valid @NotNull DefinitionSpec request) {
        ReviewDefinition definition = campaigns.define(request, actor.name());
        return Response.created(URI.create("/api/v1/review-definitions/" + definition.id))
                .entity(DefinitionView.of(definition, campaigns.spec(definition.spec))).build();
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.AUDITOR})
    @Operation(summary = "List review definitions", description = "Keyset-paged with limit and cursor.")
    public Page<DefinitionView> list(@QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        return ListQuery.of(ReviewDefinition.class).page(em, limit, cursor, d -> d.id, d -> DefinitionView.of(d, campaigns.spec(d.spec)));
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({Roles.ADMIN, Roles.AUDITOR})
    @Operation(summary = "Get a review definition")
    public DefinitionView get(@PathParam("id") UUID id) {
        ReviewDefinition d = ReviewDefinition.<ReviewDefinition>findByIdOptional(id).orElseThrow(() -> new NotFoundProblem("review definition", id));
        return DefinitionView.of(d, campaigns.spec(d.spec));
    }

    @POST
    @Path("/{id}/campaigns")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Start a campaign now", description = "Its items are the active grants in the definition's scope, as review-service's"
            + " read model knows them; reviewers are resolved now and stay fixed (the fallback reviewers where none resolves); each item gets a"
            + " recommendation (DENY with its reason when the guest has not signed in for recommendInactiveDays). Publishes campaign-started"
            + " and one reviewer-assigned per reviewer.")
    public Response start(@PathParam("id") UUID id) {
        Campaign campaign = campaigns.start(id, actor.name());
        return Response.created(URI.create("/api/v1/campaigns/" + campaign.id)).entity(CampaignView.of(campaign, campaigns)).build();
    }

    public record DefinitionView(UUID id, @JsonUnwrapped DefinitionSpec definition, Instant nextStartAt, String createdBy, Instant createdAt) {
        static DefinitionView of(ReviewDefinition d, DefinitionSpec spec) {
            return new DefinitionView(d.id, spec, d.nextStartAt, d.createdBy, d.createdAt);
        }
    }
}

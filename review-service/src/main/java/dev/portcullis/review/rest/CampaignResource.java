package dev.portcullis.review.rest;

import java.time.Instant;
import dev.portcullis.events.CampaignCompleted;
import dev.portcullis.backbone.rest.Actor;
import dev.portcullis.backbone.rest.ListQuery;
import dev.portcullis.backbone.problem.NotFoundProblem;
import dev.portcullis.backbone.rest.Page;
import dev.portcullis.backbone.rest.QueryParams;
import dev.portcullis.backbone.rest.Roles;
import dev.portcullis.review.service.Campaigns;
import dev.portcullis.review.service.DefinitionSpec;
import dev.portcullis.review.domain.Campaign;
import dev.portcullis.review.domain.ReviewItem;
import dev.portcullis.review.rest.ReviewItemResource.ItemView;
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

@Path("/api/v1/campaigns")
@Tag(name = "campaigns", description = "Review campaigns: progress, outcome, applying it")
public class CampaignResource {

    @Inject
    Campaigns campaigns;

    @Inject
    ReviewItems items;

    @Inject
    EntityManager em;

    @Inject
    Actor actor;

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.AUDITOR})
    @Operation(summary = "List campaigns", description = "Filter by state and definitionId; keyset-paged with limit and cursor.")
    public Page<CampaignView> list(@QueryParam("state") String state, @QueryParam("definitionId") String definitionId, @QueryParam("limit") String limit,
            @QueryParam("cursor") String cursor) {
        return ListQuery.of(Campaign.class)
                .filter("e.state = :state", "state", QueryParams.enumValue(Campaign.State.class, "state", state))
                .filter("e.definitionId = :definition", "definition", QueryParams.uuid("definitionId", definitionId))
                .page(em, limit, cursor, c -> c.id, c -> CampaignView.of(c, campaigns));
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({Roles.ADMIN, Roles.AUDITOR})
    @Operation(summary = "Get a campaign", description = "State IN_PROGRESS, COMPLETED, APPLIED or CANCELLED; counts by decision (by outcome once"
            + " completed); applyHeld with its reason when the mass-revocation guard holds it.")
    public CampaignView get(@PathParam("id") UUID id) {
        return CampaignView.of(find(id), campaigns);
    }

    @GET
    @Path("/{id}/items")
    @RolesAllowed({Roles.ADMIN, Roles.AUDITOR})
    @Operation(summary = "A campaign's items", description = "Every item with its stage, reviewers, recommendation, decision, earlier stages'"
            + " decisions and outcome; filter by state and outcome; keyset-paged.")
    public Page<ItemView> items(@PathParam("id") UUID id, @QueryParam("state") String state, @QueryParam("outcome") String outcome,
            @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        find(id);
        return items.view(ListQuery.of(ReviewItem.class).filter("e.campaignId = :campaign", "campaign", id)
                .filter("e.state = :state", "state", QueryParams.enumValue(ReviewItem.State.class, "state", state))
                .filter("e.outcome = :outcome", "outcome", QueryParams.enumValue(ReviewItem.Outcome.class, "outcome", outcome))
                .page(em, limit, cursor, i -> i.id, i -> i), false);
    }

    @POST
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Define a one-off review and start its campaign now, in one call", description = "The body is a review definition"
            + " (as POST /api/v1/review-definitions takes it) whose recurrence is ONCE and which has no startAt: the definition is stored and"
            + " its campaign started in one transaction, as POST /api/v1/review-definitions/{id}/campaigns starts one. The posture's"
            + " recommendations (GET /api/v1/posture on policy-service) give such a body. Each refusal is a 400 naming the field, and"
            + " stores nothing.")
    public Response defineAndStart(@Valid @NotNull DefinitionSpec request) {
        Campaign campaign = campaigns.defineAndStart(request, actor.name());
        return Response.created(URI.create("/api/v1/campaigns/" + campaign.id)).entity(CampaignView.of(campaign, campaigns)).build();
    }

    @POST
    @Path("/{id}/complete")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "End a campaign now", description = "Each item gets its outcome: its decision, or the definition's defaultDecision"
            + " (DONT_KNOW keeps the access). If applying would revoke more than the guard allows (portcullis.review.guard: 50% and at least 10"
            + " items), the campaign stays COMPLETED with applyHeld; otherwise an autoApply campaign asks inventory to revoke each denied grant"
            + " (access-revocation-requested, REVIEW_DENIED) and is APPLIED once every one is revoked. 409 unless IN_PROGRESS.")
    public CampaignView complete(@PathParam("id") UUID id) {
        Campaign campaign = campaigns.complete(id, actor.name());
        return CampaignView.of(campaign, campaigns);
    }

    @POST
    @Path("/{id}/apply")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Apply a completed campaign's outcome now", description = "A campaign held by the mass-revocation guard applies only with"
            + " confirm=true (409 with the guard's reason otherwise). 409 unless COMPLETED.")
    public CampaignView apply(@PathParam("id") UUID id, @QueryParam("confirm") String confirm) {
        Campaign campaign = campaigns.apply(id, QueryParams.bool("confirm", confirm), actor.name());
        return CampaignView.of(campaign, campaigns);
    }

    @POST
    @Path("/{id}/cancel")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Cancel a running campaign", description = "Its open items close; nothing is applied. 409 unless IN_PROGRESS.")
    public CampaignView cancel(@PathParam("id") UUID id) {
        Campaign campaign = campaigns.cancel(id, actor.name());
        return CampaignView.of(campaign, campaigns);
    }

    private Campaign find(UUID id) {
        return Campaign.<Campaign>findByIdOptional(id).orElseThrow(() -> new NotFoundProblem("campaign", id));
    }

    public record CampaignView(UUID id, UUID definitionId, String name, Campaign.State state, String startedBy, Instant startedAt, Instant endsAt,
            int stage, int stages, Instant stageEndsAt, Instant completedAt, Instant appliedAt, Instant cancelledAt, boolean applyHeld,
            String applyHeldReason, CampaignCompleted.Counts counts) {
        static CampaignView of(Campaign c, Campaigns campaigns) {
            return of(c, campaigns.spec(c.spec).stages().size(), campaigns.counts(c.id));
        }

        private static CampaignView of(Campaign c, int stages, CampaignCompleted.Counts counts) {
            return new CampaignView(c.id, c.definitionId, c.name, c.state, c.startedBy, c.startedAt, c.endsAt, c.stage, stages, c.stageEndsAt,
                    c.completedAt, c.appliedAt, c.cancelledAt, c.applyHeld, c.applyHeldReason, counts);
        }
    }
}

package dev.portcullis.review.rest;

import java.util.Map;
import java.time.Instant;
import jakarta.validation.constraints.Size;
import dev.portcullis.readmodel.KnownResource;
import dev.portcullis.readmodel.KnownGuest;
import dev.portcullis.backbone.rest.Actor;
import dev.portcullis.backbone.problem.NotFoundProblem;
import dev.portcullis.backbone.rest.Page;
import dev.portcullis.backbone.rest.QueryParams;
import dev.portcullis.backbone.rest.Roles;
import dev.portcullis.review.service.Campaigns;
import dev.portcullis.review.domain.ReviewItem;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1")
@Tag(name = "review items", description = "What reviewers decide")
public class ReviewItemResource {

    @Inject
    Campaigns campaigns;

    @Inject
    ReviewItems items;

    @Inject
    Actor actor;

    @GET
    @Path("/my/review-items")
    @RolesAllowed({Roles.OWNER, Roles.ADMIN, Roles.GUEST})
    @Operation(summary = "The caller's pending review items", description = "Open items of running campaigns that name the email in the caller's"
            + " token as a reviewer, with the guest, partner, last sign-in, resource, sensitivity and the recommendation with its reason; filter"
            + " by campaignId; keyset-paged. A guest (portcullis-guest) has items only in a SELF review, where each attests to their own access. An item whose grant was revoked elsewhere closes (REVOKED_ELSEWHERE) and leaves this list.")
    public Page<ItemView> mine(@QueryParam("campaignId") String campaignId, @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        return items.pendingFor(actor.email(), QueryParams.uuid("campaignId", campaignId), limit, cursor);
    }

    @GET
    @Path("/review-items/{id}")
    @RolesAllowed({Roles.OWNER, Roles.ADMIN, Roles.AUDITOR, Roles.GUEST})
    @Operation(summary = "One review item", description = "For its reviewers, admins and auditors; anyone else gets 404, so ids cannot be probed.")
    public ItemView get(@PathParam("id") UUID id) {
        ReviewItem item = ReviewItem.findById(id);
        boolean readsAll = actor.roles().contains(Roles.ADMIN) || actor.roles().contains(Roles.AUDITOR);
        if (item == null || !(readsAll || item.reviewedBy(actor.email()))) {
            throw new NotFoundProblem("review item", id);
        }
        return items.views(List.of(item), !readsAll).get(0);
    }

    @POST
    @Path("/review-items/{id}/decision")
    @RolesAllowed({Roles.OWNER, Roles.ADMIN, Roles.GUEST})
    @Operation(summary = "Decide a review item", description = "APPROVE, DENY or DONT_KNOW, with a justification where the definition requires one"
            + " (400 naming justification otherwise). Only the item's reviewers decide: for anyone else, an admin included, the item does not"
            + " exist (404). A decision may change while the campaign is IN_PROGRESS (409 after). Publishes review-decision-recorded.")
    public ItemView decide(@PathParam("id") UUID id, @Valid @NotNull DecisionRequest request) {
        ReviewItem item = campaigns.decide(id, actor.email(), request.decision(), request.justification());
        return items.views(List.of(item), true).get(0);
    }

    /** An item with what a reviewer needs to decide: the guest, their partner and last sign-in, the resource and its sensitivity. */
    public record ItemView(UUID id, UUID campaignId, UUID grantId, UUID guestId, String guestEmail, UUID partnerId, Instant lastSignInAt,
            UUID resourceId, String resourceName, String sensitivity, int stage, List<String> reviewers, ReviewItem.State state,
            ReviewItem.Decision recommendation, String recommendationReason, ReviewItem.Decision decision, String justification, String decidedBy,
            Instant decidedAt, List<EarlierDecision> earlierDecisions, ReviewItem.Outcome outcome, String closedReason) {

        static ItemView of(ReviewItem i, Map<UUID, KnownGuest> guests, Map<UUID, KnownResource> resources, List<EarlierDecision> earlier) {
            KnownGuest g = guests.get(i.guestId);
            KnownResource r = resources.get(i.resourceId);
            return new ItemView(i.id, i.campaignId, i.grantId, i.guestId, g == null ? null : g.email, g == null ? null : g.partnerId,
                    g == null ? null : g.lastSignInAt, i.resourceId, r == null ? null : r.name, r == null ? null : r.sensitivity, i.stage,
                    List.of(i.reviewers), i.state, i.recommendation, i.recommendationReason, i.decision, i.justification, i.decidedBy, i.decidedAt,
                    earlier, i.outcome, i.closedReason);
        }
    }

    /** What an earlier stage of a multi-stage review decided on an item (null: nobody decided). */
    public record EarlierDecision(int stage, List<String> reviewers, ReviewItem.Decision decision, String justification, String decidedBy,
            Instant decidedAt) {
    }

    public record DecisionRequest(@NotNull ReviewItem.Decision decision, @Size(max = 2000) String justification) {
    }
}

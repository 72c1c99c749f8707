package dev.portcullis.review.page;

import dev.portcullis.backbone.rest.Actor;
import dev.portcullis.backbone.problem.BadRequestProblem;
import dev.portcullis.backbone.problem.ConflictProblem;
import dev.portcullis.backbone.problem.NotFoundProblem;
import dev.portcullis.backbone.rest.Roles;
import dev.portcullis.backbone.rest.Page;
import dev.portcullis.readmodel.KnownResource;
import dev.portcullis.review.service.AccessRequests;
import dev.portcullis.review.service.PackageSpec;
import dev.portcullis.review.service.PolicyPreview;
import dev.portcullis.review.service.RequestInput;
import dev.portcullis.review.service.Campaigns;
import dev.portcullis.review.service.DefinitionSpec;
import dev.portcullis.review.domain.AccessRequest;
import dev.portcullis.review.domain.Campaign;
import dev.portcullis.review.domain.ReviewItem;
import dev.portcullis.review.rest.AccessRequestResource;
import dev.portcullis.review.rest.ReviewItems;
import dev.portcullis.review.rest.ReviewItemResource.ItemView;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.Authenticated;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import jakarta.ws.rs.core.UriInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The review page that reviewers reach from their digest: the access requests waiting for their
 * approval, then their open review items grouped by campaign and guest, each with what they need to
 * decide, and a button per decision. Signed in through the realm's
 * login page (the {@code review-page} OIDC tenant, code flow); it decides through the same
 * {@link Campaigns} as the API, so the rules (only the item's reviewers, justification, an open
 * campaign) are the same. Any signed-in user may open it: it shows only the items that name them.
 */
@Path("/reviews")
@Authenticated
@Produces(MediaType.TEXT_HTML)
public class ReviewPage {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance page(String reviewer, List<RequestCard> requests, List<CampaignGroup> campaigns, String nextCursor,
                String campaign, String message);
    }

    /** An access request waiting for this approver: who asks, for what, why, what the stage asks of them, and what the policies say. */
    public record RequestCard(UUID id, String requester, String displayName, String partner, String packageName, List<String> resources,
            int stage, int stages, Instant stageEndsAt, boolean escalated, boolean justificationRequired, String justification,
            List<AccessRequestResource.AnswerView> answers, Instant submittedAt, boolean policiesAsked,
            List<PolicyPreview.Note> policyNotes) {
    }

    /** One campaign's open items for this reviewer, by guest. */
    public record CampaignGroup(UUID id, String name, int stage, int stages, Instant stageEndsAt, boolean justificationRequired, int undecided,
            List<GuestGroup> guests) {
    }

    /** One guest's items: the partner is the guest's home domain. */
    public record GuestGroup(String email, String partner, Instant lastSignInAt, List<ItemView> items) {
    }

    @Inject
    Campaigns campaigns;

    @Inject
    AccessRequests requests;

    @Inject
    ReviewItems items;

    @Inject
    PolicyPreview preview;

    @Inject
    Actor actor;

    @Context
    HttpHeaders headers;

    @Context
    UriInfo uriInfo;

    @GET
    public TemplateInstance show(@QueryParam("campaign") UUID campaign, @QueryParam("cursor") String cursor) {
        return render(campaign, cursor, null);
    }

    @POST
    @Path("/items/{id}")
    @RolesAllowed({Roles.OWNER, Roles.ADMIN, Roles.GUEST}) // as the API's decision: signed in is not enough
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response decide(@PathParam("id") UUID id, @FormParam("decision") ReviewItem.Decision decision,
            @FormParam("justification") String justification, @FormParam("campaign") UUID campaign) {
        if (!fromThisPage()) {
            return refused(Response.Status.FORBIDDEN, campaign, "That form was not sent from this page.");
        }
        if (decision == null) {
            return refused(Response.Status.BAD_REQUEST, campaign, "Choose approve, deny or don't know.");
        }
        return act(campaign, () -> campaigns.decide(id, actor.email(), decision, justification));
    }

    @POST
    @Path("/requests/{id}")
    @RolesAllowed({Roles.ADMIN, Roles.OWNER}) // as the API's: a guest never approves, their own request least of all
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response decideRequest(@PathParam("id") UUID id, @FormParam("decision") RequestInput.Verdict decision,
            @FormParam("justification") String justification) {
        if (!fromThisPage()) {
            return refused(Response.Status.FORBIDDEN, null, "That form was not sent from this page.");
        }
        if (decision == null) {
            return refused(Response.Status.BAD_REQUEST, null, "Choose approve or deny.");
        }
        return act(null, () -> requests.decide(id, new RequestInput.Decision(decision, justification), actor.email()));
    }

    @POST
    @Path("/campaigns/{id}/accept-recommendations")
    @RolesAllowed({Roles.OWNER, Roles.ADMIN, Roles.GUEST})
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response acceptRecommendations(@PathParam("id") UUID id, @FormParam("justification") String justification,
            @FormParam("campaign") UUID campaign) {
        if (!fromThisPage()) {
            return refused(Response.Status.FORBIDDEN, campaign, "That form was not sent from this page.");
        }
        return act(campaign, () -> campaigns.acceptRecommendations(id, actor.email(), justification));
    }

    private boolean fromThisPage() {
        return SameOrigin.posted(headers, uriInfo);
    }

    /** Runs a decision; on success back to the page (post, redirect, get), else the page again with the reason and nothing changed. */
    private Response act(UUID campaign, Runnable decision) {
        try {
            decision.run();
        } catch (BadRequestProblem e) {
            return refused(Response.Status.BAD_REQUEST, campaign, e.getMessage());
        } catch (ConflictProblem e) {
            return refused(Response.Status.CONFLICT, campaign, e.getMessage());
        } catch (NotFoundProblem e) {
            return refused(Response.Status.NOT_FOUND, campaign, "That is not yours to decide (any more).");
        }
        UriBuilder back = UriBuilder.fromPath("/reviews");
        if (campaign != null) {
            back.queryParam("campaign", campaign);
        }
        return Response.seeOther(back.build()).build();
    }

    private Response refused(Response.Status status, UUID campaign, String message) {
        return Response.status(status).entity(render(campaign, null, message)).type(MediaType.TEXT_HTML).build();
    }

    private TemplateInstance render(UUID campaign, String cursor, String message) {
        Page<ItemView> page = items.pendingFor(actor.email(), campaign, String.valueOf(Page.MAX_LIMIT), cursor);
        Map<UUID, Map<UUID, List<ItemView>>> byCampaignAndGuest = new LinkedHashMap<>();
        for (ItemView item : page.items()) {
            byCampaignAndGuest.computeIfAbsent(item.campaignId(), c -> new LinkedHashMap<>()).computeIfAbsent(item.guestId(), g -> new ArrayList<>())
                    .add(item);
        }
        List<CampaignGroup> groups = new ArrayList<>();
        byCampaignAndGuest.forEach((campaignId, byGuest) -> {
            Campaign c = Campaign.findById(campaignId);
            List<GuestGroup> guests = new ArrayList<>();
            int undecided = 0;
            for (List<ItemView> its : byGuest.values()) {
                ItemView first = its.get(0);
                guests.add(new GuestGroup(first.guestEmail(), domainOf(first.guestEmail()), first.lastSignInAt(), its));
                undecided += (int) its.stream().filter(i -> i.decision() == null).count();
            }
            DefinitionSpec spec = campaigns.spec(c.spec);
            groups.add(new CampaignGroup(campaignId, c.name, c.stage, spec.stages().size(), c.stageEndsAt, spec.justificationRequired(), undecided,
                    guests));
        });
        return Templates.page(actor.email(), campaign == null ? requestsWaiting() : List.of(), groups, page.nextCursor(),
                campaign == null ? null : campaign.toString(), message);
    }

    /**
     * The access requests whose current stage waits for this approver, oldest first (a page links a campaign's items alone: none
     * then), each with what the policies would say of its grants now.
     */
    private List<RequestCard> requestsWaiting() {
        List<AccessRequest> waiting = AccessRequest.<AccessRequest>find("state = ?1 and array_contains(approvers, ?2) order by submittedAt",
                AccessRequest.State.PENDING_APPROVAL, actor.email()).page(0, Page.MAX_LIMIT).list();
        Map<UUID, PackageSpec> specs = new LinkedHashMap<>();
        waiting.forEach(r -> specs.put(r.id, requests.specOf(r)));
        List<UUID> resourceIds = specs.values().stream().flatMap(spec -> spec.resources().stream().map(PackageSpec.PackageResource::resourceId))
                .distinct().toList();
        Map<UUID, KnownResource> known = new LinkedHashMap<>();
        if (!resourceIds.isEmpty()) {
            KnownResource.<KnownResource>list("resourceId in ?1", resourceIds).forEach(res -> known.put(res.resourceId, res));
        }
        Map<UUID, String> names = new LinkedHashMap<>();
        known.forEach((id, res) -> names.put(id, res.name));
        Map<UUID, List<AccessRequests.StageDecision>> decisions = requests.decisionsOf(waiting.stream().map(r -> r.id).toList());
        String me = actor.email();
        Map<UUID, List<PolicyPreview.Note>> notes = preview.of(waiting, r -> specs.get(r.id), names, r -> java.util.stream.Stream.concat(
                decisions.getOrDefault(r.id, List.of()).stream().filter(d -> "APPROVE".equals(d.decision())).map(AccessRequests.StageDecision::decidedBy),
                java.util.stream.Stream.of(me)).toList(), me);
        List<RequestCard> cards = new ArrayList<>();
        for (AccessRequest r : waiting) {
            PackageSpec spec = specs.get(r.id);
            Map<String, String> answers = requests.answersOf(r);
            List<String> resources = spec.resources().stream().map(res -> {
                KnownResource k = known.get(res.resourceId());
                return (k == null ? "unknown resource" : k.name + " (" + k.sensitivity + ")") + " as " + res.role();
            }).toList();
            cards.add(new RequestCard(r.id, r.requesterEmail, requests.requesterOf(r).displayName(), domainOf(r.requesterEmail), r.packageName,
                    resources, r.stage, r.stages, r.stageEndsAt, r.escalated, spec.requestPolicy().approvalStages().get(r.stage - 1).justificationRequired(),
                    r.justification, spec.requestPolicy().questions().stream().filter(q -> answers.containsKey(q.id()))
                            .map(q -> new AccessRequestResource.AnswerView(q.id(), q.text(), answers.get(q.id()))).toList(), r.submittedAt,
                    notes.containsKey(r.id), notes.getOrDefault(r.id, List.of())));
        }
        return cards;
    }

    private static String domainOf(String email) {
        return email == null || email.indexOf('@') < 0 ? "unknown" : email.substring(email.indexOf('@') + 1);
    }
}

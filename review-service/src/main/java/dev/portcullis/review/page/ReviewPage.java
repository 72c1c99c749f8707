package dev.portcullis.review.page;

import dev.portcullis.backbone.rest.Actor;
import dev.portcullis.backbone.rest.BadRequestProblem;
import dev.portcullis.backbone.rest.ConflictProblem;
import dev.portcullis.backbone.rest.NotFoundProblem;
import dev.portcullis.backbone.rest.Page;
import dev.portcullis.review.campaign.Campaigns;
import dev.portcullis.review.campaign.DefinitionSpec;
import dev.portcullis.review.domain.Campaign;
import dev.portcullis.review.domain.ReviewItem;
import dev.portcullis.review.rest.ReviewItems;
import dev.portcullis.review.rest.Views.ItemView;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.Authenticated;
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
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The review page that reviewers reach from their digest: their open items grouped by campaign and
 * guest, each with what they need to decide, and a button per decision. Signed in through the realm's
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
        static native TemplateInstance page(String reviewer, List<CampaignGroup> campaigns, String nextCursor, String campaign, String message);
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
    ReviewItems items;

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
    @Path("/campaigns/{id}/accept-recommendations")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response acceptRecommendations(@PathParam("id") UUID id, @FormParam("justification") String justification,
            @FormParam("campaign") UUID campaign) {
        if (!fromThisPage()) {
            return refused(Response.Status.FORBIDDEN, campaign, "That form was not sent from this page.");
        }
        return act(campaign, () -> campaigns.acceptRecommendations(id, actor.email(), justification));
    }

    /**
     * Cross-site request forgery: the session cookie is SameSite=Lax, so another site's form arrives
     * without it; and a browser names the page a form was posted from (Origin, else Referer), which
     * must be this one.
     */
    private boolean fromThisPage() {
        String origin = headers.getHeaderString("Origin");
        String from = origin != null && !origin.equals("null") ? origin : headers.getHeaderString("Referer");
        if (from == null) {
            return false;
        }
        URI self = uriInfo.getBaseUri();
        URI sender = URI.create(from);
        return self.getScheme().equalsIgnoreCase(sender.getScheme()) && self.getHost().equalsIgnoreCase(sender.getHost())
                && self.getPort() == sender.getPort();
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
            return refused(Response.Status.NOT_FOUND, campaign, "That item is not yours to review.");
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
        return Templates.page(actor.email(), groups, page.nextCursor(), campaign == null ? null : campaign.toString(), message);
    }

    private static String domainOf(String email) {
        return email == null || email.indexOf('@') < 0 ? "unknown" : email.substring(email.indexOf('@') + 1);
    }
}

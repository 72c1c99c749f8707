package dev.portcullis.review.page;

import dev.portcullis.backbone.rest.Actor;
import dev.portcullis.backbone.problem.BadRequestProblem;
import dev.portcullis.backbone.problem.ConflictProblem;
import dev.portcullis.backbone.problem.NotFoundProblem;
import dev.portcullis.backbone.rest.Roles;
import dev.portcullis.backbone.problem.RefusedByPolicyProblem;
import dev.portcullis.readmodel.KnownResource;
import dev.portcullis.review.service.AccessPackages;
import dev.portcullis.review.service.AccessRequests;
import dev.portcullis.review.service.PackageSpec;
import dev.portcullis.review.service.RequestInput;
import dev.portcullis.review.domain.AccessPackage;
import dev.portcullis.review.domain.AccessRequest;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.Authenticated;
import io.quarkus.security.ForbiddenException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import jakarta.ws.rs.core.UriInfo;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The partner's own page: a partner's person signs in through the realm's login page (the same
 * {@code review-page} OIDC tenant as the review page), sees the access packages they may request, asks
 * for one with a justification and the package's questions answered, and follows their requests, which
 * they may cancel while they wait. It submits and cancels through the same {@link AccessRequests} as the
 * API, always for the signed-in person themselves: the rules and the refusals are the API's.
 */
@Path("/requests")
@Authenticated
@Produces(MediaType.TEXT_HTML)
public class RequestPage {

    /** How many packages the page offers, and how many of the person's own requests it lists. */
    private static final int SHOWN = 200;

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance page(String me, List<PackageCard> packages, List<MyRequest> mine, String message, List<String> reasons,
                String submitted);
    }

    /** A package the person may ask for: what it gives, for how long, who decides, what it asks. */
    public record PackageCard(UUID id, String name, List<String> resources, String lifetime, int stages, List<PackageSpec.Question> questions) {
    }

    /** One of the person's requests, newest first. */
    public record MyRequest(UUID id, String packageName, String state, int stage, int stages, Instant submittedAt, Instant expiresAt, String reason,
            boolean cancellable) {
    }

    @Inject
    AccessRequests requests;

    @Inject
    AccessPackages packages;

    @Inject
    Actor actor;

    @Context
    HttpHeaders headers;

    @Context
    UriInfo uriInfo;

    @GET
    public TemplateInstance show(@QueryParam("submitted") UUID submitted) {
        return render(null, List.of(), submitted == null ? null : submitted.toString());
    }

    /** Form fields: {@code justification}, and {@code answer.<question id>} for each question answered. */
    @POST
    @Path("/packages/{id}")
    @RolesAllowed({Roles.ADMIN, Roles.OWNER, Roles.GUEST}) // as the API's submission
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response ask(@PathParam("id") UUID id, MultivaluedMap<String, String> form) {
        if (!SameOrigin.posted(headers, uriInfo)) {
            return refused(Response.Status.FORBIDDEN, "That form was not sent from this page.", List.of());
        }
        Map<String, String> answers = new LinkedHashMap<>();
        form.forEach((field, values) -> {
            if (field.startsWith("answer.") && !values.isEmpty()) {
                answers.put(field.substring("answer.".length()), values.get(0));
            }
        });
        // always for the signed-in person themselves: as a partner's person asks, whatever else the token allows
        return act(() -> requests.submit(new RequestInput.Submission(id, form.getFirst("justification"), answers, null),
                new AccessRequests.Caller(actor.email(), false, false)), true);
    }

    @POST
    @Path("/{id}/cancel")
    @RolesAllowed({Roles.ADMIN, Roles.OWNER, Roles.GUEST})
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response cancel(@PathParam("id") UUID id) {
        if (!SameOrigin.posted(headers, uriInfo)) {
            return refused(Response.Status.FORBIDDEN, "That form was not sent from this page.", List.of());
        }
        return act(() -> requests.cancel(id, actor.email()), false);
    }

    /** Runs a step; on success back to the page (post, redirect, get), else the page again with the reason and nothing changed. */
    private Response act(Supplier<AccessRequest> step, boolean submission) {
        AccessRequest r;
        try {
            r = step.get();
        } catch (RefusedByPolicyProblem e) {
            return refused(Response.Status.fromStatusCode(422), e.getMessage(),
                    e.reasons().stream().map(reason -> String.valueOf(reason.get("message"))).toList());
        } catch (BadRequestProblem e) {
            return refused(Response.Status.BAD_REQUEST, e.getMessage(), List.of());
        } catch (ConflictProblem e) {
            return refused(Response.Status.CONFLICT, e.getMessage(), List.of());
        } catch (NotFoundProblem | ForbiddenException e) {
            return refused(Response.Status.NOT_FOUND, "That is not yours (any more).", List.of());
        }
        UriBuilder back = UriBuilder.fromPath("/requests");
        if (submission) {
            back.queryParam("submitted", r.id);
        }
        return Response.seeOther(back.build()).build();
    }

    private Response refused(Response.Status status, String message, List<String> reasons) {
        return Response.status(status).entity(render(message, reasons, null)).type(MediaType.TEXT_HTML).build();
    }

    private TemplateInstance render(String message, List<String> reasons, String submitted) {
        String me = actor.email();
        List<AccessPackage> open = requests.requestableBy(me, SHOWN);
        List<PackageSpec> specs = open.stream().map(p -> packages.spec(p.spec)).toList();
        // every resource named, read once for the page
        List<UUID> resourceIds = specs.stream().flatMap(spec -> spec.resources().stream().map(PackageSpec.PackageResource::resourceId)).distinct().toList();
        Map<UUID, KnownResource> known = new LinkedHashMap<>();
        if (!resourceIds.isEmpty()) {
            KnownResource.<KnownResource>list("resourceId in ?1", resourceIds).forEach(r -> known.put(r.resourceId, r));
        }
        List<PackageCard> cards = new java.util.ArrayList<>();
        for (int i = 0; i < open.size(); i++) {
            cards.add(card(open.get(i), specs.get(i), known));
        }
        List<MyRequest> mine = AccessRequest.<AccessRequest>find("requesterEmail = ?1 order by submittedAt desc", me).page(0, SHOWN).list().stream()
                .map(r -> new MyRequest(r.id, r.packageName, r.state.name(), r.stage, r.stages, r.submittedAt, r.expiresAt, r.reason,
                        r.state == AccessRequest.State.PENDING_APPROVAL))
                .toList();
        return Templates.page(me, cards, mine, message, reasons, submitted);
    }

    private static PackageCard card(AccessPackage p, PackageSpec spec, Map<UUID, KnownResource> known) {
        List<String> resources = spec.resources().stream().map(res -> {
            KnownResource r = known.get(res.resourceId());
            return (r == null ? "unknown resource" : r.name + " (" + r.sensitivity + ")") + " as " + res.role();
        }).toList();
        PackageSpec.RequestPolicy policy = spec.requestPolicy();
        String lifetime = policy.lifetimeDays() != null ? policy.lifetimeDays() + " days from approval" : "until " + PageFormats.day(policy.until());
        return new PackageCard(p.id, p.name, resources, lifetime, policy.approvalStages().size(), policy.questions());
    }
}

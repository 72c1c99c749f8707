package dev.portcullis.review.rest;

import dev.portcullis.backbone.rest.Actor;
import dev.portcullis.backbone.rest.ListQuery;
import dev.portcullis.backbone.problem.NotFoundProblem;
import dev.portcullis.backbone.rest.Page;
import dev.portcullis.backbone.rest.QueryParams;
import dev.portcullis.backbone.rest.Roles;
import dev.portcullis.events.AccessRequestSubmitted;
import dev.portcullis.review.service.AccessRequests;
import dev.portcullis.review.service.PackageSpec;
import dev.portcullis.review.service.RequestInput;
import dev.portcullis.review.domain.AccessRequest;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/access-requests")
@Tag(name = "access requests", description = "Partners' people ask for access packages; business owners approve, stage by stage")
public class AccessRequestResource {

    /** A question of the package with the requester's answer, as approvers see it. */
    public record AnswerView(String id, String question, String answer) {
    }

    public record RequestView(UUID id, UUID packageId, int packageVersion, String packageName, AccessRequestSubmitted.Requester requester,
            UUID guestId, UUID partnerId, String submittedBy, String justification, List<AnswerView> answers, List<String> sponsors,
            AccessRequest.State state, int stage, int stages, Instant stageEndsAt, boolean escalated, List<String> approvers,
            List<AccessRequests.StageDecision> decisions, Instant expiresAt, String reason, Instant submittedAt, Instant decidedAt, Instant deliveredAt) {
    }

    @Inject
    AccessRequests requests;

    @Inject
    EntityManager em;

    @Inject
    Actor actor;

    @Inject
    SecurityIdentity identity;

    @Transactional
    @POST
    @RolesAllowed({Roles.ADMIN, Roles.OWNER, Roles.GUEST})
    @Operation(summary = "Request an access package", description = "packageId; justification (up to 2000 characters); answers ({questionId:"
            + " answer}, every required question of the package, no other); requester {email, homeTenantId, homeSubject, displayName}: left"
            + " out by a partner's person asking for themselves (their token's address), required from a sponsor or an admin asking on someone's"
            + " behalf (a business owner asks only for a guest they sponsor, or for someone not yet a guest, whom they then sponsor). The"
            + " package's request policy decides who may ask (422 with its reasons otherwise): existing guests only, the people of named"
            + " partners, or of connected partners (organizations not connected yet only where allowed); never a blocked guest or partner."
            + " 409 while the requester has an open request for the package, or holds it already and it is not extendable. Publishes"
            + " access-request-submitted, then approval-requested to each approver of the first stage (or, without stages,"
            + " access-request-approved at once).")
    public Response submit(@Valid @NotNull RequestInput.Submission request) {
        AccessRequest r = requests.submit(request, caller());
        return Response.created(URI.create("/api/v1/access-requests/" + r.id)).entity(view(r)).build();
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.AUDITOR, Roles.OWNER, Roles.GUEST})
    @Transactional
    @Operation(summary = "List access requests", description = "Filters: state, packageId, mine=true (requested by or for the caller),"
            + " toDecide=true (waiting for the caller's decision). Admins and auditors see every request; anyone else the requests they"
            + " asked for, submitted, or were asked to decide. Keyset-paged with limit and cursor.")
    public Page<RequestView> list(@QueryParam("state") String state, @QueryParam("packageId") String packageId, @QueryParam("mine") String mine,
            @QueryParam("toDecide") String toDecide, @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        String me = actor.email();
        ListQuery<AccessRequest> query = ListQuery.of(AccessRequest.class)
                .filter("e.state = :state", "state", QueryParams.enumValue(AccessRequest.State.class, "state", state))
                .filter("e.packageId = :packageId", "packageId", QueryParams.uuid("packageId", packageId));
        if (QueryParams.bool("mine", mine)) {
            query = query.filter("(e.requesterEmail = :mine or e.submittedBy = :mine)", "mine", me);
        }
        if (QueryParams.bool("toDecide", toDecide)) {
            query = query.filter("e.state = 'PENDING_APPROVAL' and array_contains(e.approvers, :approver)", "approver", me);
        }
        if (!seesAll()) {
            query = query.filter("(e.requesterEmail = :me or e.submittedBy = :me or array_contains(e.asked, :me))", "me", me);
        }
        Page<AccessRequest> page = query.page(em, limit, cursor, r -> r.id, r -> r);
        // a page of requests is mostly of a few package versions: each version's spec is read and parsed once; the decisions in one query
        Map<String, PackageSpec> specs = new java.util.HashMap<>();
        Map<UUID, List<AccessRequests.StageDecision>> decisions = requests.decisionsOf(page.items().stream().map(r -> r.id).toList());
        return new Page<>(page.items().stream().map(r -> view(r, specs.computeIfAbsent(r.packageId + ":" + r.packageVersion,
                key -> requests.specOf(r)), decisions.getOrDefault(r.id, List.of()))).toList(), page.nextCursor());
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({Roles.ADMIN, Roles.AUDITOR, Roles.OWNER, Roles.GUEST})
    @Transactional
    @Operation(summary = "Get an access request", description = "With the package's questions and the answers, every stage's decision, and"
            + " who decides the stage waiting. 404 for a request the caller neither asked for, submitted, nor was asked to decide (admins"
            + " and auditors read every one).")
    public RequestView get(@PathParam("id") UUID id) {
        AccessRequest r = AccessRequest.findById(id);
        if (r == null || !(seesAll() || r.concerns(actor.email()))) {
            throw new NotFoundProblem("access request", id);
        }
        return view(r);
    }

    @Transactional
    @POST
    @Path("/{id}/decision")
    @RolesAllowed({Roles.ADMIN, Roles.OWNER})
    @Operation(summary = "Approve or deny the stage waiting for you", description = "decision APPROVE | DENY; justification (required where"
            + " the stage says). Only the current stage's approvers decide: anyone else, an admin too, meets a 404. The first approver to"
            + " decide decides the stage: a denial ends the request (DENIED), an approval starts the next stage or, after the last,"
            + " approves the request (its access lasts the package's lifetime from now) and publishes access-request-approved, which"
            + " inventory-service delivers. Publishes access-request-decided.")
    public RequestView decide(@PathParam("id") UUID id, @Valid @NotNull RequestInput.Decision decision) {
        return view(requests.decide(id, decision, actor.email()));
    }

    @Transactional
    @POST
    @Path("/{id}/cancel")
    @RolesAllowed({Roles.ADMIN, Roles.OWNER, Roles.GUEST})
    @Operation(summary = "Cancel a request waiting for approval", description = "By its requester or whoever submitted it (404 for anyone"
            + " else); 409 once it is decided. Publishes access-request-decided (CANCEL).")
    public RequestView cancel(@PathParam("id") UUID id) {
        return view(requests.cancel(id, actor.email()));
    }

    private boolean seesAll() {
        return identity.hasRole(Roles.ADMIN) || identity.hasRole(Roles.AUDITOR);
    }

    private AccessRequests.Caller caller() {
        return new AccessRequests.Caller(actor.email(), identity.hasRole(Roles.ADMIN), identity.hasRole(Roles.OWNER));
    }

    RequestView view(AccessRequest r) {
        return view(r, requests.specOf(r), requests.decisionsOf(List.of(r.id)).getOrDefault(r.id, List.of()));
    }

    private RequestView view(AccessRequest r, PackageSpec spec, List<AccessRequests.StageDecision> decisions) {
        Map<String, String> answers = requests.answersOf(r);
        List<AnswerView> answered = spec.requestPolicy().questions().stream().filter(q -> answers.containsKey(q.id()))
                .map(q -> new AnswerView(q.id(), q.text(), answers.get(q.id()))).toList();
        return new RequestView(r.id, r.packageId, r.packageVersion, r.packageName, requests.requesterOf(r), r.guestId, r.partnerId, r.submittedBy,
                r.justification, answered, List.of(r.sponsors), r.state, r.stage, r.stages, r.stageEndsAt, r.escalated, List.of(r.approvers),
                decisions, r.expiresAt, r.reason, r.submittedAt, r.decidedAt, r.deliveredAt);
    }
}

package dev.portcullis.policy.authzen;

import dev.portcullis.backbone.rest.Roles;
import dev.portcullis.policy.authzen.AuthzenModel.EvaluationItem;
import dev.portcullis.policy.authzen.AuthzenModel.EvaluationRequest;
import dev.portcullis.policy.authzen.AuthzenModel.EvaluationResponse;
import dev.portcullis.policy.authzen.AuthzenModel.EvaluationsRequest;
import dev.portcullis.policy.authzen.AuthzenModel.EvaluationsResponse;
import dev.portcullis.policy.authzen.AuthzenModel.Semantic;
import dev.portcullis.backbone.problem.BadRequestProblem;
import dev.portcullis.policy.engine.Decision;
import dev.portcullis.policy.service.DecisionLog;
import dev.portcullis.policy.service.PolicyStore;
import dev.portcullis.backbone.rest.Actor;
import dev.portcullis.policy.engine.Facts;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.common.annotation.NonBlocking;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.UriInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The decision point, as the OpenID AuthZEN Authorization API 1.0 defines it. Actions Portcullis
 * decides: {@code invite} (resource of type {@code directory}, or any type other than
 * {@code resource}), {@code grant} and {@code access} (resource of type {@code resource}, its id a
 * Portcullis resource id). The response context carries the reasons (policy id, version, message),
 * the obligations, the report-only findings and the policy versions that took part.
 */
@Path("/")
@Tag(name = "authzen", description = "OpenID AuthZEN Authorization API 1.0: the policy decision point")
public class AuthzenResource {

    @Inject
    FactsResolver facts;

    @Inject
    PolicyStore policies;

    @Inject
    DecisionLog log;

    @Inject
    Actor actor;

    @POST
    @Path("/access/v1/evaluation")
    @RolesAllowed({Roles.PDP, Roles.ADMIN})
    @NonBlocking // decided on the event loop when memory holds the facts (a queue takes the log entry): no hop to a worker thread
    @Operation(summary = "Decide one request", description = "AuthZEN Access Evaluation: {subject, action, resource, context} -> {decision, context}."
            + " Actions: invite, grant, access, revoke (a resource owner's own), and offer: may an access package (resource type access-package,"
            + " properties scenarioId and sensitivity, its most sensitive resource's) be offered for context.duration (an ISO-8601 period)"
            + " or until context.expiresAt; only SENSITIVITY_CEILING and MAX_GRANT_DURATION decide an offer.")
    public Uni<EvaluationResponse> evaluation(@Valid @NotNull EvaluationRequest request) {
        String caller = caller();
        Optional<Facts> known = facts.resolveFromMemory(request.subject(), request.action(), request.resource(), request.context());
        if (known.isPresent()) {
            return Uni.createFrom().item(decide(caller, request.subject(), request.action(), request.resource(), known.get()));
        }
        // the view has not caught up yet, or the resource's scenario was never read here: the read model, on a worker thread
        return Uni.createFrom().item(() -> QuarkusTransaction.requiringNew().call(() -> decide(caller, request.subject(), request.action(),
                request.resource(), facts.resolve(request.subject(), request.action(), request.resource(), request.context()))))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    @POST
    @Path("/access/v1/evaluations")
    @RolesAllowed({Roles.PDP, Roles.ADMIN})
    @Operation(summary = "Decide several requests", description = "AuthZEN Access Evaluations: the request's subject, action, resource and context"
            + " are defaults each item may replace; options.evaluations_semantic is execute_all (the default), deny_on_first_deny or"
            + " permit_on_first_permit, which stop after the first such decision (the response then has fewer items than the request).")
    public Object evaluations(@Valid @NotNull EvaluationsRequest request) {
        if (request.evaluations() == null || request.evaluations().isEmpty()) {
            // the specification: without evaluations, the request is one evaluation, answered as such
            if (request.subject() == null || request.action() == null || request.resource() == null) {
                throw new BadRequestProblem("evaluations", "is required unless subject, action and resource are given");
            }
            return decide(request.subject(), request.action(), request.resource(), request.context());
        }
        Semantic semantic = request.options() == null || request.options().evaluationsSemantic() == null ? Semantic.EXECUTE_ALL
                : request.options().evaluationsSemantic();
        List<EvaluationResponse> results = new ArrayList<>();
        for (int i = 0; i < request.evaluations().size(); i++) {
            EvaluationItem item = request.evaluations().get(i);
            AuthzenModel.Entity subject = item.subject() != null ? item.subject() : request.subject();
            AuthzenModel.Action action = item.action() != null ? item.action() : request.action();
            AuthzenModel.Entity resource = item.resource() != null ? item.resource() : request.resource();
            String field = "evaluations[" + i + "]";
            if (subject == null) {
                throw new BadRequestProblem(field + ".subject", "is required: neither the item nor the request has one");
            }
            if (action == null) {
                throw new BadRequestProblem(field + ".action", "is required: neither the item nor the request has one");
            }
            if (resource == null) {
                throw new BadRequestProblem(field + ".resource", "is required: neither the item nor the request has one");
            }
            Map<String, Object> context = merged(request.context(), item.context());
            EvaluationResponse result = decide(subject, action, resource, context);
            results.add(result);
            if ((semantic == Semantic.DENY_ON_FIRST_DENY && !result.decision()) || (semantic == Semantic.PERMIT_ON_FIRST_PERMIT && result.decision())) {
                break;
            }
        }
        return new EvaluationsResponse(results);
    }

    @Inject
    AuthzenSearch search;

    @POST
    @Path("/access/v1/search/subject")
    @RolesAllowed({Roles.PDP, Roles.ADMIN, Roles.AUDITOR})
    @Operation(summary = "Which guests may do this to this resource", description = "AuthZEN Subject Search: {subject: {type: guest}, action,"
            + " resource: {type: resource, id}, context, page: {token, limit}} -> {results: [{type, id}], page: {next_token}}. A guest may access a"
            + " resource when they hold an active grant on it and the policies in force allow it. next_token is empty on the last page; a page may"
            + " hold fewer results than the limit when the policies deny some of its candidates.")
    public AuthzenModel.SearchResponse searchSubjects(@Valid @NotNull AuthzenModel.SearchRequest request) {
        return search.subjects(request);
    }

    @POST
    @Path("/access/v1/search/resource")
    @RolesAllowed({Roles.PDP, Roles.ADMIN, Roles.AUDITOR})
    @Operation(summary = "Which resources this guest may act on", description = "AuthZEN Resource Search: {subject: {type: guest, id}, action,"
            + " resource: {type: resource}, context, page} -> {results, page}: the resources the guest holds an active grant on that the policies allow.")
    public AuthzenModel.SearchResponse searchResources(@Valid @NotNull AuthzenModel.SearchRequest request) {
        return search.resources(request);
    }

    @POST
    @Path("/access/v1/search/action")
    @RolesAllowed({Roles.PDP, Roles.ADMIN, Roles.AUDITOR})
    @Operation(summary = "What this guest may do on this resource", description = "AuthZEN Action Search: {subject, resource, context} ->"
            + " {results: [{name}]}: access (an active grant the policies allow) and grant (the policies allow it, asked by context.requester).")
    public AuthzenModel.SearchResponse searchActions(@Valid @NotNull AuthzenModel.SearchRequest request) {
        return search.actions(request);
    }

    @GET
    @Path("/.well-known/authzen-configuration")
    @PermitAll
    @Operation(summary = "AuthZEN metadata", description = "Where this decision point's endpoints are.")
    public Map<String, String> configuration(@Context UriInfo uri) {
        String base = uri.getBaseUri().toString().replaceAll("/$", "");
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("policy_decision_point", base);
        metadata.put("access_evaluation_endpoint", base + "/access/v1/evaluation");
        metadata.put("access_evaluations_endpoint", base + "/access/v1/evaluations");
        metadata.put("search_subject_endpoint", base + "/access/v1/search/subject");
        metadata.put("search_resource_endpoint", base + "/access/v1/search/resource");
        metadata.put("search_action_endpoint", base + "/access/v1/search/action");
        return metadata;
    }

    private EvaluationResponse decide(AuthzenModel.Entity subject, AuthzenModel.Action action, AuthzenModel.Entity resource, Map<String, Object> context) {
        return decide(caller(), subject, action, resource, facts.resolve(subject, action, resource, context));
    }

    private EvaluationResponse decide(String caller, AuthzenModel.Entity subject, AuthzenModel.Action action, AuthzenModel.Entity resource, Facts known) {
        Decision decision = policies.engine().decide(known);
        java.util.UUID id = log.record(caller, subject.type(), subject.id(), action.name(), resource.type(), resource.id(), decision);
        return new EvaluationResponse(decision.decision(), new AuthzenModel.LoggedContext(decision.context(), id));
    }

    /** Who asks, for the decision log: the OIDC client, else the person. */
    private String caller() {
        return actor.clientId() != null ? actor.clientId() : actor.name();
    }

    private static Map<String, Object> merged(Map<String, Object> defaults, Map<String, Object> item) {
        if (item == null) {
            return defaults;
        }
        if (defaults == null) {
            return item;
        }
        Map<String, Object> merged = new LinkedHashMap<>(defaults);
        merged.putAll(item);
        return merged;
    }
}

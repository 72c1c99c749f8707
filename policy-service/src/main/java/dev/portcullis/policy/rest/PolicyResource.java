package dev.portcullis.policy.rest;

import dev.portcullis.backbone.rest.Actor;
import dev.portcullis.backbone.rest.ListQuery;
import dev.portcullis.backbone.problem.NotFoundProblem;
import dev.portcullis.backbone.rest.Page;
import dev.portcullis.backbone.rest.QueryParams;
import dev.portcullis.backbone.rest.Roles;
import dev.portcullis.policy.domain.Policy;
import dev.portcullis.policy.domain.PolicyRule;
import dev.portcullis.policy.domain.PolicyScope;
import dev.portcullis.policy.domain.PolicyVersion;
import dev.portcullis.policy.engine.CompiledPolicy;
import dev.portcullis.policy.service.GrantEvaluation;
import dev.portcullis.policy.service.PolicyService;
import dev.portcullis.policy.service.PolicyService.Draft;
import dev.portcullis.policy.service.PolicyStore;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.DELETE;
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
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/policies")
@Tag(name = "policies", description = "Guard rails for external access: versioned, enforced, reported or disabled")
public class PolicyResource {

    @Inject
    PolicyService service;

    @Inject
    PolicyStore store;

    @Inject
    EntityManager em;

    @Inject
    Actor actor;

    @Inject
    GrantEvaluation evaluation;

    public record PolicyRequest(@NotBlank @Size(max = 255) String name, @NotNull Policy.Mode mode, @Valid PolicyScope scope,
            @NotNull @Valid PolicyRule rule) {

        Draft draft() {
            return new Draft(name, mode, scope, rule);
        }
    }

    public record PolicyView(UUID id, int version, String name, Policy.Mode mode, PolicyScope scope, PolicyRule rule, boolean deleted,
            Instant createdAt, String createdBy) {
    }

    private static final String RULE_DOC = "rule.type and its fields: PARTNER_DOMAINS {allowDomains[] | blockDomains[]} (not both);"
            + " PARTNER_STATE {allowedStates: [CONNECTED, PROPOSED]}; SENSITIVITY_CEILING {maxSensitivity}; MAX_GRANT_DURATION"
            + " {maxDuration: ISO-8601 period, P90D} (obligation: expiresAt no later than now plus the period); SPONSORS_REQUIRED"
            + " {minSponsors: 1-5}; INVITERS {} (by the resource's control model); MAX_INACTIVITY_DAYS {maxInactiveDays};"
            + " DIRECTORY_VISIBILITY {visibility: NONE|SAME_PARTNER|ALL} (an obligation). A field of another type is a 400 naming it.";

    @POST
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Create a policy (version 1)", description = RULE_DOC + " Scope: scenarioIds[], partnerIds[], minSensitivity; empty means any.")
    public Response create(@Valid @NotNull PolicyRequest request) {
        PolicyVersion created = service.create(request.draft(), actor.name());
        return Response.created(URI.create("/api/v1/policies/" + created.key.policyId())).entity(view(created)).build();
    }

    public record SimulationView(long evaluated, long flagged, List<GrantEvaluation.Flagged> grants) {
    }

    @POST
    @Path("/simulate")
    @RolesAllowed({Roles.ADMIN, Roles.AUDITOR})
    @Operation(summary = "What a draft policy would flag", description = "Checks the draft as a save would (400 naming the field), then evaluates it"
            + " against every active grant in policy-service's read model, as the guest holding the resource (action access), whatever its mode:"
            + " report-only before saving. Returns how many grants it evaluated and flagged, and the first 1000 flagged with the reason."
            + " Changes nothing. The read model does not know partner states or sign-ins: rules that need them flag every grant in scope.")
    public SimulationView simulate(@Valid @NotNull PolicyRequest request) {
        Draft draft = request.draft();
        service.validate(draft);
        GrantEvaluation.Result result = evaluation.evaluate(CompiledPolicy.of(new UUID(0, 0), 0, draft.name(), Policy.Mode.ENFORCE,
                draft.scope() == null ? PolicyScope.ANY : draft.scope(), draft.rule()), 1000);
        return new SimulationView(result.evaluated(), result.flagged(), result.first());
    }

    @PUT
    @Path("/{id}")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Change a policy", description = "Writes the next version; the earlier ones stay readable. " + RULE_DOC)
    public PolicyView update(@PathParam("id") UUID id, @Valid @NotNull PolicyRequest request) {
        return view(service.update(id, request.draft(), actor.name()));
    }

    @DELETE
    @Path("/{id}")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Delete a policy", description = "Writes a last version marked deleted: the policy stops deciding, its history stays readable.")
    public PolicyView delete(@PathParam("id") UUID id) {
        return view(service.delete(id, actor.name()));
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.AUDITOR})
    @Operation(summary = "List the policies in force", description = "Their current versions; filter by mode. Keyset-paged.")
    public Page<PolicyView> list(@QueryParam("mode") String mode,
            @QueryParam("limit") @Parameter(description = "page size", schema = @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "500", defaultValue = "50")) String limit,
            @QueryParam("cursor") String cursor) {
        return ListQuery.of(Policy.class).filter("e.deleted = :deleted", "deleted", Boolean.FALSE)
                .filter("exists (select 1 from PolicyVersion v where v.key.policyId = e.id and v.key.version = e.currentVersion and v.mode = :mode)",
                        "mode", QueryParams.enumValue(Policy.Mode.class, "mode", mode))
                .page(em, limit, cursor, p -> p.id, p -> view(PolicyVersion.findById(new PolicyVersion.Key(p.id, p.currentVersion))));
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({Roles.ADMIN, Roles.AUDITOR})
    @Operation(summary = "Get a policy", description = "The current version, or ?version=N for an earlier one (deleted policies too).")
    public PolicyView get(@PathParam("id") UUID id,
            @QueryParam("version") @Parameter(schema = @Schema(type = SchemaType.INTEGER, minimum = "1")) String version) {
        Policy policy = Policy.findById(id);
        if (policy == null) {
            throw new NotFoundProblem("policy", id);
        }
        Integer asked = QueryParams.integer("version", version);
        if (asked == null && policy.deleted) {
            throw new NotFoundProblem("policy", id);
        }
        PolicyVersion found = PolicyVersion.findById(new PolicyVersion.Key(id, asked == null ? policy.currentVersion : asked));
        if (found == null) {
            throw new NotFoundProblem("version " + asked + " of policy", id);
        }
        return view(found);
    }

    @GET
    @Path("/{id}/versions")
    @RolesAllowed({Roles.ADMIN, Roles.AUDITOR})
    @Operation(summary = "Every version of a policy", description = "Oldest first, the deleting version last if there is one.")
    public List<PolicyView> versions(@PathParam("id") UUID id) {
        if (Policy.findById(id) == null) {
            throw new NotFoundProblem("policy", id);
        }
        return PolicyVersion.<PolicyVersion>list("key.policyId = ?1 order by key.version", id).stream().map(this::view).toList();
    }

    private PolicyView view(PolicyVersion v) {
        return new PolicyView(v.key.policyId(), v.key.version(), v.name, v.mode, store.read(v.scope, PolicyScope.class),
                store.read(v.rule, PolicyRule.class), v.deleted, v.createdAt, v.createdBy);
    }
}

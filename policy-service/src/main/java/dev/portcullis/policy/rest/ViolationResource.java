package dev.portcullis.policy.rest;

import dev.portcullis.backbone.rest.Actor;
import dev.portcullis.backbone.rest.ListQuery;
import dev.portcullis.backbone.problem.NotFoundProblem;
import dev.portcullis.backbone.rest.Page;
import dev.portcullis.backbone.rest.QueryParams;
import dev.portcullis.backbone.rest.Roles;
import dev.portcullis.policy.domain.EnforcementHold;
import dev.portcullis.policy.domain.Policy;
import dev.portcullis.policy.domain.Violation;
import dev.portcullis.policy.service.ContinuousEvaluation;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import java.time.Instant;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** What continuous evaluation found: the violations, and the holds on enforcement that wait for an admin. */
@Path("/api/v1")
@Tag(name = "violations", description = "Existing grants that violate a policy in force or reporting, and the enforcement held for an admin")
public class ViolationResource {

    @Inject
    EntityManager em;

    @Inject
    Actor actor;

    @Inject
    ContinuousEvaluation evaluation;

    public record ViolationView(UUID id, UUID policyId, int policyVersion, String policyName, String rule, Policy.Mode mode, UUID guestId,
            UUID grantId, UUID resourceId, String message, Violation.State state, Violation.Enforcement enforcement, UUID holdId,
            Instant detectedAt, Instant resolvedAt, Violation.Resolution resolution) {

        static ViolationView of(Violation v) {
            return new ViolationView(v.id, v.policyId, v.policyVersion, v.policyName, v.rule, v.mode, v.guestId, v.grantId, v.resourceId,
                    v.message, v.state, v.enforcement, v.holdId, v.detectedAt, v.resolvedAt, v.resolution);
        }
    }

    public record HoldView(UUID id, UUID policyId, int policyVersion, String policyName, EnforcementHold.State state, long grantsInScope,
            long revocationsHeld, Instant createdAt, Instant decidedAt, String decidedBy) {

        static HoldView of(EnforcementHold h) {
            return new HoldView(h.id, h.policyId, h.policyVersion, h.policyName, h.state, h.grantsInScope, h.revocationsHeld, h.createdAt,
                    h.decidedAt, h.decidedBy);
        }
    }

    private static final String LIMIT = "page size";

    @GET
    @Path("/violations")
    @RolesAllowed({Roles.ADMIN, Roles.AUDITOR})
    @Operation(summary = "The violations continuous evaluation found", description = "One per policy and grant while it lasts (state OPEN), then"
            + " RESOLVED with a resolution: GRANT_REVOKED, NO_LONGER_VIOLATES, POLICY_WITHDRAWN. enforcement: REVOCATION_REQUESTED (enforced),"
            + " HELD (an admin must confirm the hold), DECLINED (an admin declined it), REPORTED (report-only). Filters: state, guestId, policyId,"
            + " grantId, resourceId, holdId. Keyset-paged.")
    public Page<ViolationView> violations(@QueryParam("state") String state, @QueryParam("guestId") String guestId,
            @QueryParam("policyId") String policyId, @QueryParam("grantId") String grantId, @QueryParam("resourceId") String resourceId,
            @QueryParam("holdId") String holdId,
            @QueryParam("limit") @Parameter(description = LIMIT, schema = @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "500", defaultValue = "50")) String limit,
            @QueryParam("cursor") String cursor) {
        return ListQuery.of(Violation.class)
                .filter("e.state = :state", "state", QueryParams.enumValue(Violation.State.class, "state", state))
                .filter("e.guestId = :guestId", "guestId", QueryParams.uuid("guestId", guestId))
                .filter("e.policyId = :policyId", "policyId", QueryParams.uuid("policyId", policyId))
                .filter("e.grantId = :grantId", "grantId", QueryParams.uuid("grantId", grantId))
                .filter("e.resourceId = :resourceId", "resourceId", QueryParams.uuid("resourceId", resourceId))
                .filter("e.holdId = :holdId", "holdId", QueryParams.uuid("holdId", holdId))
                .page(em, limit, cursor, v -> v.id, ViolationView::of);
    }

    @GET
    @Path("/enforcement-holds")
    @RolesAllowed({Roles.ADMIN, Roles.AUDITOR})
    @Operation(summary = "Enforcement held for an admin", description = "A change of an enforced policy that would revoke more than the configured"
            + " share of the grants in its scope (portcullis.policy.enforcement.hold-share, default 0.2; at least hold-min-grants, default 10)"
            + " revokes nothing until an admin confirms. state: PENDING, CONFIRMED, DECLINED, SUPERSEDED (the policy changed again first)."
            + " Filters: policyId, state.")
    public Page<HoldView> holds(@QueryParam("policyId") String policyId, @QueryParam("state") String state,
            @QueryParam("limit") @Parameter(description = LIMIT, schema = @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "500", defaultValue = "50")) String limit,
            @QueryParam("cursor") String cursor) {
        return ListQuery.of(EnforcementHold.class)
                .filter("e.policyId = :policyId", "policyId", QueryParams.uuid("policyId", policyId))
                .filter("e.state = :state", "state", QueryParams.enumValue(EnforcementHold.State.class, "state", state))
                .page(em, limit, cursor, h -> h.id, HoldView::of);
    }

    @GET
    @Path("/enforcement-holds/{id}")
    @RolesAllowed({Roles.ADMIN, Roles.AUDITOR})
    @Operation(summary = "One hold")
    public HoldView hold(@PathParam("id") String id) {
        UUID holdId = QueryParams.uuid("id", id);
        EnforcementHold hold = EnforcementHold.findById(holdId);
        if (hold == null) {
            throw new NotFoundProblem("enforcement hold", holdId);
        }
        return HoldView.of(hold);
    }

    @POST
    @Path("/enforcement-holds/{id}/confirm")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Confirm a hold: revoke", description = "Each held violation still open becomes an access-revocation-requested"
            + " (reason POLICY_VIOLATION, requested by the caller). Only a PENDING hold: otherwise 409.")
    public HoldView confirm(@PathParam("id") String id) {
        return HoldView.of(evaluation.decide(QueryParams.uuid("id", id), true, actor.name()));
    }

    @POST
    @Path("/enforcement-holds/{id}/decline")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Decline a hold: revoke nothing", description = "The held violations stay open, enforcement DECLINED, until they"
            + " resolve or the policy changes again. Only a PENDING hold: otherwise 409.")
    public HoldView decline(@PathParam("id") String id) {
        return HoldView.of(evaluation.decide(QueryParams.uuid("id", id), false, actor.name()));
    }
}

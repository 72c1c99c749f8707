package dev.portcullis.policy.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.backbone.problem.BadRequestProblem;
import dev.portcullis.backbone.rest.ListQuery;
import dev.portcullis.backbone.rest.Page;
import dev.portcullis.backbone.rest.QueryParams;
import dev.portcullis.backbone.rest.Roles;
import dev.portcullis.policy.domain.DecisionRecord;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import java.time.Instant;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/decisions")
@Tag(name = "decisions", description = "The decision log: every AuthZEN decision, with its reasons and the policy versions behind it")
public class DecisionResource {

    @Inject
    EntityManager em;

    @Inject
    ObjectMapper json;

    public record DecisionView(UUID id, Instant decidedAt, String caller, String subjectType, String subjectId, String action, String resourceType,
            String resourceId, boolean decision, JsonNode reasons, JsonNode policies) {
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.AUDITOR})
    @Operation(summary = "The decision log", description = "Oldest first (written within about a second of the decision). Filters: subjectId,"
            + " resourceId, action, decision (true or false), policyId (a policy that took part or denied). Keyset-paged.")
    public Page<DecisionView> list(@QueryParam("subjectId") String subjectId, @QueryParam("resourceId") String resourceId,
            @QueryParam("action") String action, @QueryParam("decision") String decision, @QueryParam("policyId") String policyId,
            @QueryParam("limit") @Parameter(description = "page size", schema = @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "500", defaultValue = "50")) String limit,
            @QueryParam("cursor") String cursor) {
        UUID policy = QueryParams.uuid("policyId", policyId);
        return ListQuery.of(DecisionRecord.class)
                .filter("e.subjectId = :subjectId", "subjectId", subjectId)
                .filter("e.resourceId = :resourceId", "resourceId", resourceId)
                .filter("e.action = :action", "action", action)
                .filter("e.decision = :decision", "decision", bool(decision))
                .filter("e.policies like :policy", "policy", policy == null ? null : "%" + policy + "%")
                .page(em, limit, cursor, d -> d.id, this::view);
    }

    private static Boolean bool(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        if (!value.equals("true") && !value.equals("false")) {
            throw new BadRequestProblem("decision", "must be true or false");
        }
        return Boolean.valueOf(value);
    }

    private DecisionView view(DecisionRecord d) {
        try {
            return new DecisionView(d.id, d.decidedAt, d.caller, d.subjectType, d.subjectId, d.action, d.resourceType, d.resourceId, d.decision,
                    json.readTree(d.reasons), json.readTree(d.policies));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a decision log entry is not JSON: " + d.id, e);
        }
    }
}

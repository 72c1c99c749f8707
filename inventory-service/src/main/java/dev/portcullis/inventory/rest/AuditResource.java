package dev.portcullis.inventory.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.backbone.problem.BadRequestProblem;
import dev.portcullis.backbone.rest.Page;
import dev.portcullis.backbone.rest.QueryParams;
import dev.portcullis.backbone.rest.Roles;
import dev.portcullis.events.EventJson;
import dev.portcullis.inventory.domain.AuditRecord;
import dev.portcullis.inventory.service.AuditTrail;
import dev.portcullis.inventory.service.PersonalData;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.TypedQuery;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/audit")
@Tag(name = "audit", description = "Every change, who made it, when and why, in a hash chain an auditor can verify")
public class AuditResource {

    @Inject
    EntityManager em;

    @Inject
    AuditTrail trail;

    @Inject
    PersonalData personalData;

    /** A guest's personal data as the record kept it; {@code erased} once the guest was removed and their key destroyed. */
    public record Personal(String email, String displayName, String homeSubject) {
    }

    public record AuditView(long seq, Long chainSeq, Instant recordedAt, String actor, String action, UUID guestId, UUID resourceId, UUID targetId,
            String reason, String cause, String correlationId, JsonNode details, Personal personal, boolean personalErased, String prevHash,
            String hash) {
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.AUDITOR})
    @Operation(summary = "The audit trail", description = "Filters guestId, resourceId, from and to (ISO-8601 instants, from inclusive, to"
            + " exclusive), oldest first, paged with limit and cursor. A record names the actor, the action, the guest, resource and target (a grant,"
            + " a partner, a signal), the reason and cause, the request's correlation id (X-Correlation-Id, or one the service made), what changed"
            + " (details), and the guest's personal data as it was; personal is null and personalErased true once the guest is removed.")
    public Page<AuditView> list(@QueryParam("guestId") String guestId, @QueryParam("resourceId") String resourceId, @QueryParam("from") String from,
            @QueryParam("to") String to, @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        int size = Page.limit(limit);
        List<String> where = new ArrayList<>();
        Map<String, Object> parameters = new LinkedHashMap<>();
        add(where, parameters, "a.guestId = :guestId", "guestId", QueryParams.uuid("guestId", guestId));
        add(where, parameters, "a.resourceId = :resourceId", "resourceId", QueryParams.uuid("resourceId", resourceId));
        add(where, parameters, "a.recordedAt >= :from", "from", instant("from", from));
        add(where, parameters, "a.recordedAt < :to", "to", instant("to", to));
        add(where, parameters, "a.seq > :after", "after", Page.decodeNumber(cursor));
        TypedQuery<AuditRecord> query = em.createQuery("select a from AuditRecord a" + (where.isEmpty() ? "" : " where " + String.join(" and ", where))
                + " order by a.seq", AuditRecord.class).setMaxResults(size + 1);
        parameters.forEach(query::setParameter);
        List<AuditRecord> rows = query.getResultList();
        boolean more = rows.size() > size;
        List<AuditRecord> page = more ? rows.subList(0, size) : rows;
        String next = more ? Page.encodeNumber(page.get(page.size() - 1).seq) : null;
        return new Page<>(page.stream().map(this::view).toList(), next);
    }

    @GET
    @Path("/verify")
    @RolesAllowed({Roles.ADMIN, Roles.AUDITOR})
    @Operation(summary = "Verify the audit chain", description = "Walks the chain from its first record, recomputing every hash: {intact, checked,"
            + " firstBrokenAt (the chain position of the first record that does not hold), firstBrokenSeq, problem, pending (records committed but"
            + " not chained yet, normally for a second at most)}. Erasing a removed guest's personal data does not break it.")
    public AuditTrail.Verification verify() {
        return trail.verify();
    }

    private AuditView view(AuditRecord a) {
        Personal personal = personalData.open(a.guestId, a.personal).map(p -> new Personal(p.email(), p.displayName(), p.homeSubject())).orElse(null);
        JsonNode details;
        try {
            details = a.details == null ? null : EventJson.mapper().readTree(a.details);
        } catch (IOException e) {
            details = null;
        }
        return new AuditView(a.seq, a.chainSeq, a.recordedAt, a.actor, a.action, a.guestId, a.resourceId, a.targetId, a.reason, a.cause,
                a.correlationId, details, personal, a.personal != null && personal == null, a.prevHash, a.hash);
    }

    private static void add(List<String> where, Map<String, Object> parameters, String clause, String name, Object value) {
        if (value != null) {
            where.add(clause);
            parameters.put(name, value);
        }
    }

    private static Instant instant(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw new BadRequestProblem(name, "must be an ISO-8601 instant, e.g. 2026-11-24T13:00:00Z");
        }
    }
}

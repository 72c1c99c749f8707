package dev.portcullis.inventory.rest;

import dev.portcullis.backbone.rest.Actor;
import dev.portcullis.backbone.problem.BadRequestProblem;
import dev.portcullis.backbone.problem.NotFoundProblem;
import dev.portcullis.backbone.rest.Page;
import dev.portcullis.backbone.rest.Roles;
import dev.portcullis.inventory.service.GuestImports;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/imports")
@Tag(name = "imports", description = "Bulk import of existing guests from CSV, as a job")
public class ImportResource {

    @Inject
    GuestImports imports;

    @Inject
    EntityManager em;

    @Inject
    Actor actor;

    public record Accepted(UUID id, String state) {
    }

    public record LineView(int line, String outcome, UUID guestId, String errors) {
    }

    public record ImportView(UUID id, String state, int totalRows, int processedRows, int imported, int rejected, String createdBy, Instant createdAt,
            Instant finishedAt, String error, List<LineView> rejectedLines) {
    }

    @POST
    @Path("/guests")
    @Consumes("*/*") // any body reaches the role check first; then anything but CSV is a 415
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Import guests from CSV", description = "A header line naming the columns (email, homeTenantId and sponsors required;"
            + " displayName, homeSubject, lastSignInAt and grants optional), then a guest per line. sponsors: 1 to 5 addresses separated by ';'."
            + " lastSignInAt: an ISO-8601 instant (the guest is ACTIVE). grants: resourceId:role pairs separated by ';'. Up to 200,000 rows."
            + " Answers 202 with the import's id; the rows are imported by a job: each valid row as an invitation and grants would make it"
            + " (partner by tenant or domain, events, audit), each invalid one reported with its line number and reasons, changing nothing."
            + " A bad header is a 400 at once.")
    public Response start(String csv, @jakarta.ws.rs.HeaderParam("Content-Type") String contentType) {
        String type = contentType == null ? "" : contentType.toLowerCase(java.util.Locale.ROOT);
        if (!type.startsWith("text/csv") && !type.startsWith("text/plain")) {
            throw new jakarta.ws.rs.NotSupportedException("a CSV body (Content-Type: text/csv)");
        }
        UUID id = imports.accept(csv, actor.name());
        return Response.accepted(new Accepted(id, "RUNNING")).location(URI.create("/api/v1/imports/" + id)).build();
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({Roles.ADMIN, Roles.AUDITOR})
    @Operation(summary = "An import's progress and report", description = "state RUNNING, COMPLETED or FAILED, rows processed, imported and rejected,"
            + " the error that ended a FAILED import (a chunk that failed three times for a reason that does not pass; the rows before"
            + " it stay imported), and the first 1,000 rejected lines with their reasons (all lines: /lines).")
    public ImportView get(@PathParam("id") UUID id) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("""
                select state, total_lines, next_line, imported, rejected, created_by, created_at, finished_at, error from guest_import where id = ?1""")
                .setParameter(1, id).getResultList();
        if (rows.isEmpty()) {
            throw new NotFoundProblem("import", id);
        }
        Object[] r = rows.get(0);
        int total = ((Number) r[1]).intValue() - 1;
        int imported = ((Number) r[3]).intValue();
        int rejected = ((Number) r[4]).intValue();
        return new ImportView(id, (String) r[0], total, imported + rejected, imported, rejected, (String) r[5], instant(r[6]), instant(r[7]), (String) r[8],
                lines(id, "REJECTED", 0, 1000));
    }

    @GET
    @Path("/{id}/lines")
    @RolesAllowed({Roles.ADMIN, Roles.AUDITOR})
    @Operation(summary = "An import's per-line report", description = "Every processed line, in order: IMPORTED with the guest's id, or REJECTED"
            + " with its reasons. Filter outcome; paged with limit and cursor.")
    public Page<LineView> lines(@PathParam("id") UUID id, @QueryParam("outcome") String outcome, @QueryParam("limit") String limit,
            @QueryParam("cursor") String cursor) {
        get(id);
        if (outcome != null && !List.of("IMPORTED", "REJECTED").contains(outcome)) {
            throw new BadRequestProblem("outcome", "must be IMPORTED or REJECTED");
        }
        int size = Page.limit(limit);
        Long after = Page.decodeNumber(cursor);
        List<LineView> lines = lines(id, outcome, after == null ? 0 : after.intValue(), size + 1);
        boolean more = lines.size() > size;
        List<LineView> page = more ? lines.subList(0, size) : lines;
        return new Page<>(page, more ? Page.encodeNumber(page.get(page.size() - 1).line()) : null);
    }

    @SuppressWarnings("unchecked")
    private List<LineView> lines(UUID id, String outcome, int after, int limit) {
        jakarta.persistence.Query query = em.createNativeQuery("select line, outcome, guest_id, errors from guest_import_line where import_id = ?1"
                + " and line > ?2" + (outcome == null ? "" : " and outcome = ?3") + " order by line")
                .setParameter(1, id).setParameter(2, after).setMaxResults(limit);
        if (outcome != null) {
            query.setParameter(3, outcome);
        }
        return ((List<Object[]>) query.getResultList()).stream()
                .map(l -> new LineView(((Number) l[0]).intValue(), (String) l[1], (UUID) l[2], (String) l[3])).toList();
    }

    private static Instant instant(Object value) {
        return value == null ? null : value instanceof Instant i ? i : ((java.sql.Timestamp) value).toInstant();
    }
}

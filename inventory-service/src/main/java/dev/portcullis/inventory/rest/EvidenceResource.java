package dev.portcullis.inventory.rest;

import dev.portcullis.backbone.problem.BadRequestProblem;
import dev.portcullis.backbone.rest.QueryParams;
import dev.portcullis.backbone.rest.Roles;
import dev.portcullis.inventory.service.Evidence;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/evidence")
@Tag(name = "evidence", description = "The evidence of each external user, their access and its removal, for an auditor")
public class EvidenceResource {

    private static final String DESCRIPTION = "For each guest in scope (partnerId; scenarioId: who holds or held a grant on one of its"
            + " resources; from and to, days, both included: who existed then): an IDENTITY line (home tenant, home subject, address, name,"
            + " state; invited by whom and when; a removed guest's personal data stays erased), a SPONSOR line per sponsor, then every fact of"
            + " the audit trail about them in the period, in the trail's order: INVITED, GRANT (who, when, why, role, end, the access request),"
            + " REQUEST (the package and its approvers), REVIEW (the reviewer, the decision, what was recommended and why, the justification,"
            + " the campaign), END_OF_ACCESS (when, the reason, the signal, campaign item, violation or person as cause), BLOCKED, REMOVED, and"
            + " the rest. Each fact carries its audit chain position and hash; the last line (CHAIN) is the chain's verification and its head"
            + " hash, so an auditor can check nothing was edited (GET /api/v1/audit/verify). At most " + Evidence.MAX_GUESTS + " guests: a"
            + " larger scope is a 400 naming a filter to narrow.";

    @Inject
    Evidence evidence;

    @Inject
    Clock clock;

    @GET
    @Produces("text/csv")
    @RolesAllowed({Roles.ADMIN, Roles.AUDITOR})
    @Operation(summary = "The evidence report, as CSV (RFC 4180)", description = DESCRIPTION + " Columns: " + "guest_id, guest, partner_id,"
            + " section, at, actor, resource_id, resource, grant_id, what, why, cause, audit_chain_seq, audit_hash. A cell a spreadsheet would run"
            + " as a formula starts with an apostrophe.")
    public Response csv(@QueryParam("partnerId") String partnerId, @QueryParam("scenarioId") String scenarioId, @QueryParam("from") String from,
            @QueryParam("to") String to) {
        Evidence.Report report = draw(partnerId, scenarioId, from, to);
        return Response.ok(report.csv()).header("Content-Disposition", "attachment; filename=\"portcullis-evidence-"
                + LocalDate.ofInstant(report.drawnAt(), ZoneOffset.UTC) + ".csv\"").build();
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.ADMIN, Roles.AUDITOR})
    @Operation(summary = "The evidence report, as JSON (the console's printable page)", description = DESCRIPTION)
    public Evidence.Report json(@QueryParam("partnerId") String partnerId, @QueryParam("scenarioId") String scenarioId, @QueryParam("from") String from,
            @QueryParam("to") String to) {
        return draw(partnerId, scenarioId, from, to);
    }

    private Evidence.Report draw(String partnerId, String scenarioId, String from, String to) {
        LocalDate since = QueryParams.date("from", from);
        LocalDate until = QueryParams.date("to", to);
        if (since != null && until != null && since.isAfter(until)) {
            throw new BadRequestProblem("from", "must not be after to");
        }
        return evidence.draw(QueryParams.uuid("partnerId", partnerId), QueryParams.uuid("scenarioId", scenarioId), since, until, clock.instant());
    }
}

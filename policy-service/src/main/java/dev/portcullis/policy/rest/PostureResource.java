package dev.portcullis.policy.rest;

import dev.portcullis.backbone.problem.BadRequestProblem;
import dev.portcullis.backbone.rest.Actor;
import dev.portcullis.backbone.rest.QueryParams;
import dev.portcullis.backbone.rest.Roles;
import dev.portcullis.policy.domain.Scenario;
import dev.portcullis.policy.posture.Posture;
import dev.portcullis.policy.posture.PostureCache;
import dev.portcullis.policy.posture.Posture.ScenarioPosture;
import dev.portcullis.policy.posture.PostureSeries;
import dev.portcullis.policy.posture.Posture.Snapshot;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The external-access posture: what it is, per scenario and per partner, and what to do about it. */
@Path("/api/v1/posture")
@Tag(name = "posture", description = "The organization's external-access posture, per scenario and per partner, with recommendations")
public class PostureResource {

    @Inject
    PostureCache posture;

    @Inject
    PostureSeries series;

    @Inject
    Clock clock;

    @Inject
    EntityManager em;

    @Inject
    Actor actor;

    /**
     * What to do about a finding: the one API call that does it, on the service that serves it (inventory, review, policy). A body
     * that only the admin can give (a partner's transmitter issuer) is null: the console asks for it.
     */
    public record Action(String service, String method, String path, Map<String, Object> body) {
    }

    /** A finding to act on: of the organization, of one scenario ({@code scenarioId}) or of one partner ({@code partnerId}). */
    public record Recommendation(String kind, long count, String title, String why, UUID scenarioId, UUID partnerId, Action action) {
        Recommendation(String kind, long count, String title, String why, UUID scenarioId, Action action) {
            this(kind, count, title, why, scenarioId, null, action);
        }
    }

    public record PostureView(Snapshot posture, List<Recommendation> recommendations) {
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.AUDITOR})
    @Operation(summary = "The external-access posture, as of now", description = "For the organization, each scenario (with its control"
            + " model) and each partner: guests by state; active grants by sensitivity; guests without a sponsor; active guests inactive"
            + " 30, 60 and 90 days (since their last sign-in, or their invitation if they never signed in); invitations never redeemed;"
            + " CONFIDENTIAL and HIGHLY_CONFIDENTIAL grants without an end date; open policy violations; and enforcements held for an"
            + " admin. A guest belongs to a scenario while holding an active grant on one of its resources. Then the recommendations,"
            + " each with its count, why it matters and the API call that acts on it. Computed from this service's copy of inventory's"
            + " events, so it lags inventory by the time those take to arrive; and a dashboard gets the last one computed (asOf), recomputed"
            + " in the background once it is older than ten times what it took to compute (at least 1 s, at most"
            + " portcullis.policy.posture-max-age, 30 s).")
    public PostureView posture() {
        Snapshot snapshot = posture.current();
        return new PostureView(snapshot, recommend(snapshot));
    }

    @GET
    @Path("/series")
    @RolesAllowed({Roles.ADMIN, Roles.AUDITOR})
    @Operation(summary = "The posture day by day, kept a year", description = "The figures of each day (UTC) for a scope: organization"
            + " (the default), scenario:<id> or partner:<id>. The service writes them every hour as the day's point, so a past day's point is"
            + " its last hour's. from and to are days (2026-12-05), both included; the default is the last 90 days. A day the service did"
            + " not run has no point.")
    public List<PostureSeries.Point> series(@QueryParam("scope") String scope, @QueryParam("from") String from, @QueryParam("to") String to) {
        String scopeName = scope == null || scope.isBlank() ? PostureSeries.ORGANIZATION : scope.trim();
        if (!scopeName.equals(PostureSeries.ORGANIZATION)) {
            int colon = scopeName.indexOf(':');
            String kind = colon < 0 ? "" : scopeName.substring(0, colon);
            if (!kind.equals("scenario") && !kind.equals("partner")) {
                throw new BadRequestProblem("scope", "must be organization, scenario:<id> or partner:<id>");
            }
            scopeName = kind + ":" + QueryParams.uuid("scope", scopeName.substring(colon + 1));
        }
        LocalDate last = QueryParams.date("to", to);
        LocalDate until = last == null ? LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC) : last;
        LocalDate first = QueryParams.date("from", from);
        LocalDate since = first == null ? until.minusDays(89) : first;
        if (since.isAfter(until)) {
            throw new BadRequestProblem("from", "must not be after to");
        }
        return series.series(scopeName, since, until);
    }

    private List<Recommendation> recommend(Snapshot s) {
        List<Recommendation> out = new ArrayList<>();
        for (ScenarioPosture scenario : s.scenarios()) {
            long highly = scenario.figures().activeGrantsBySensitivity().getOrDefault("HIGHLY_CONFIDENTIAL", 0L);
            if (highly > 0 && scenario.controlModel() != Scenario.ControlModel.IT_GOVERNED) {
                out.add(new Recommendation("SENSITIVE_ACCESS_OUTSIDE_IT_CONTROL", highly,
                        highly + " HIGHLY_CONFIDENTIAL grant(s) in " + scenario.name() + ", a " + scenario.controlModel() + " scenario",
                        "In a " + scenario.controlModel() + " scenario access is given without IT's review: the most sensitive of it should be"
                                + " confirmed by the owners who answer for it.",
                        scenario.scenarioId(), campaign("Highly confidential access in " + scenario.name(),
                                scope("resourceIds", highlyConfidentialInUse(scenario.scenarioId()), "minSensitivity", "HIGHLY_CONFIDENTIAL"),
                                "RESOURCE_OWNERS")));
            }
        }
        // partners whose people keep access here after they leave: those with the most access first, ten at most
        s.partners().stream().filter(p -> !p.signalChannel().connected() && p.figures().activeGrantsBySensitivity().values().stream()
                .mapToLong(Long::longValue).sum() > 0)
                .sorted(java.util.Comparator.comparingLong((Posture.PartnerPosture p) -> -p.figures().activeGrantsBySensitivity().values().stream()
                        .mapToLong(Long::longValue).sum()))
                .limit(10).forEach(p -> {
                    long guests = p.figures().guestsByState().entrySet().stream().filter(e -> !e.getKey().equals("REMOVED"))
                            .mapToLong(Map.Entry::getValue).sum();
                    out.add(new Recommendation("PARTNER_WITHOUT_SIGNAL_CHANNEL", guests, p.name() + " has no signal channel: its "
                            + guests + " guest(s) keep their access here after they leave " + p.name(),
                            "Nothing tells us when " + p.name() + " disables an account: no verified Shared Signals stream, no signal in 30 days,"
                                    + " no SCIM provisioning. Connecting its transmitter ends their access here the moment it ends there.",
                            null, p.partnerId(), new Action("inventory", "PUT", "/api/v1/partners/" + p.partnerId() + "/ssf", null)));
                });
        long openEnded = s.organization().openEndedSensitiveGrants();
        if (openEnded > 0) {
            out.add(new Recommendation("OPEN_ENDED_SENSITIVE_GRANTS", openEnded,
                    openEnded + " CONFIDENTIAL or HIGHLY_CONFIDENTIAL grant(s) have no end date",
                    "Access to sensitive data that never ends outlives the work it was given for; a review confirms or ends each.", null,
                    campaign("Open-ended sensitive access", scope("minSensitivity", "CONFIDENTIAL"), "RESOURCE_OWNERS")));
        }
        long neverReviewed = s.organization().reviewCoverage().neverReviewedSensitive();
        if (neverReviewed > 0) {
            long sensitive = Posture.SENSITIVE.stream().mapToLong(k -> s.organization().activeGrantsBySensitivity().getOrDefault(k, 0L)).sum();
            out.add(new Recommendation("SENSITIVE_GRANTS_NEVER_REVIEWED", neverReviewed, neverReviewed + " CONFIDENTIAL or HIGHLY_CONFIDENTIAL"
                    + " grant(s), " + Math.round(100.0 * neverReviewed / Math.max(1, sensitive)) + " % of them, were never reviewed",
                    "Nobody who answers for this data has confirmed that these guests still need it.", null,
                    campaign("Sensitive access never reviewed", scope("minSensitivity", "CONFIDENTIAL"), "RESOURCE_OWNERS")));
        }
        long inactive = s.organization().inactiveGuests().getOrDefault("90d", 0L);
        if (inactive > 0) {
            out.add(new Recommendation("INACTIVE_GUESTS", inactive, inactive + " active guest(s) have not signed in for 90 days",
                    "A guest who no longer uses their access keeps it until someone ends it; their sponsors know whether the work goes on.",
                    null, campaign("Guests inactive 90 days", scope("inactiveDays", 90), "SPONSORS")));
        }
        long violations = s.organization().openViolations();
        if (violations > 0) {
            out.add(new Recommendation("OPEN_POLICY_VIOLATIONS", violations, violations + " grant(s) violate a policy in force or reporting",
                    "Each is access a policy says should not exist.", null,
                    new Action("policy", "GET", "/api/v1/violations?state=OPEN", null)));
        }
        if (s.heldEnforcements() > 0) {
            out.add(new Recommendation("HELD_ENFORCEMENTS", s.heldEnforcements(), s.heldEnforcements() + " enforcement(s) wait for an admin",
                    "A policy's revocations were held because they were many: until an admin confirms or declines, the access stays.", null,
                    new Action("policy", "GET", "/api/v1/enforcement-holds?state=PENDING", null)));
        }
        return List.copyOf(out);
    }

    /**
     * A one-off campaign started in one call. Where no owner or sponsor answers for an item, it goes to whoever asked for this
     * posture (the fallback reviewer review-service requires): the admin who follows the recommendation.
     */
    private Action campaign(String name, Map<String, Object> scope, String reviewers) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("scope", scope);
        body.put("reviewers", reviewers);
        body.put("fallbackReviewers", askerAddress().map(List::of).orElse(List.of()));
        body.put("recurrence", "ONCE");
        body.put("durationDays", 14);
        return new Action("review", "POST", "/api/v1/campaigns", body);
    }

    /** The verified address of who asked, if they have one (a client's token has none; review-service then says what is missing). */
    private java.util.Optional<String> askerAddress() {
        try {
            return java.util.Optional.of(actor.email()).filter(email -> email.contains("@"));
        } catch (io.quarkus.security.ForbiddenException unverified) {
            return java.util.Optional.empty();
        }
    }

    private static Map<String, Object> scope(Object... nameValues) {
        Map<String, Object> scope = new LinkedHashMap<>();
        for (int i = 0; i < nameValues.length; i += 2) {
            scope.put((String) nameValues[i], nameValues[i + 1]);
        }
        return scope;
    }

    /** The scenario's HIGHLY_CONFIDENTIAL resources someone holds access to: the campaign's scope (review-service takes at most 500). */
    @SuppressWarnings("unchecked")
    private List<String> highlyConfidentialInUse(UUID scenarioId) {
        return ((List<Object>) em.createNativeQuery("""
                select cast(r.resource_id as text) from rm_resource r where r.scenario_id = ?1 and r.sensitivity = 'HIGHLY_CONFIDENTIAL'
                and exists (select 1 from rm_grant a where a.resource_id = r.resource_id and a.state = 'ACTIVE') order by 1 limit 500""")
                .setParameter(1, scenarioId.toString()).getResultList()).stream().map(Object::toString).toList();
    }
}

package dev.portcullis.policy.posture;

import dev.portcullis.policy.domain.Scenario;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;

/**
 * The organization's external-access posture as of now: for the whole organization, per scenario and per partner, computed
 * from this service's copy of inventory's guests, grants, resources and partners (the read model its policies are evaluated
 * on) and from its own violations and holds. A guest belongs to a scenario while they hold an active grant on one of its
 * resources; a partner's figures are those of its guests.
 */
@ApplicationScoped
public class Posture {

    /** Sensitivities at which an open-ended grant is a finding. */
    public static final List<String> SENSITIVE = List.of("CONFIDENTIAL", "HIGHLY_CONFIDENTIAL");
    static final int[] INACTIVE_DAYS = {30, 60, 90};
    /** A grant counts as reviewed when a campaign decided it within this many days (Entra and SailPoint review quarterly). */
    static final int REVIEWED_WITHIN_DAYS = 90;
    /** A partner whose last signal is this recent counts as connected (the issue of its signal client, used lately). */
    static final int SIGNALLED_WITHIN_DAYS = 30;

    @Inject
    EntityManager em;

    @Inject
    TimeToRevoke timeToRevoke;

    @Inject
    Clock clock;

    /** The figures of one scope. Counts only; each names what a recommendation or a page of guests would act on. */
    public record Figures(Map<String, Long> guestsByState, Map<String, Long> activeGrantsBySensitivity, long guestsWithoutSponsor,
            Map<String, Long> inactiveGuests, long invitationsNeverRedeemed, long openEndedSensitiveGrants, long openViolations,
            ReviewCoverage reviewCoverage) {
    }

    /**
     * Of the active grants: how many a campaign decided in the last 90 days ({@code share} of them, null without grants), how many no
     * campaign ever decided, and of those the CONFIDENTIAL and HIGHLY_CONFIDENTIAL ones.
     */
    public record ReviewCoverage(long reviewedLast90Days, Double share, long neverReviewed, long neverReviewedSensitive) {
    }

    public record ScenarioPosture(UUID scenarioId, String name, Scenario.ControlModel controlModel, Figures figures) {
    }

    public record PartnerPosture(UUID partnerId, String name, String state, SignalChannel signalChannel, Figures figures) {
    }

    /**
     * Whether the partner's offboarding reaches us: connected when its Shared Signals stream is verified, it signalled in the last
     * 30 days, or it provisions its guests over SCIM. Unconnected, its people keep their access here after they leave it.
     */
    public record SignalChannel(boolean connected, Instant ssfVerifiedAt, Instant lastSignalAt, Instant scimProvisionedAt) {
    }

    /** How many partners are connected, and how many not. */
    public record PartnerChannels(long connected, long unconnected) {
    }

    public record Snapshot(Instant asOf, Figures organization, List<ScenarioPosture> scenarios, List<PartnerPosture> partners,
            long heldEnforcements, TimeToRevoke.Figures timeToRevoke, PartnerChannels partnerChannels) {
    }

    /** One scope's counts as the queries fill them in, then frozen into {@link Figures}. */
    private static final class Tally {
        final Map<String, Long> guestsByState = new TreeMap<>();
        final Map<String, Long> grantsBySensitivity = new TreeMap<>();
        final Map<String, Long> inactive = new LinkedHashMap<>();
        long withoutSponsor;
        long neverRedeemed;
        long openEndedSensitive;
        long openViolations;
        long activeGrants;
        long reviewed90;
        long neverReviewed;
        long neverReviewedSensitive;

        Tally() {
            for (int days : INACTIVE_DAYS) {
                inactive.put(days + "d", 0L);
            }
        }

        Figures figures() {
            return new Figures(Map.copyOf(guestsByState), Map.copyOf(grantsBySensitivity), withoutSponsor, Map.copyOf(inactive), neverRedeemed,
                    openEndedSensitive, openViolations, new ReviewCoverage(reviewed90, activeGrants == 0 ? null
                            : Math.round(1000.0 * reviewed90 / activeGrants) / 1000.0, neverReviewed, neverReviewedSensitive));
        }
    }

    public Snapshot now() {
        Instant now = clock.instant();
        Tally organization = new Tally();
        Map<String, Tally> byScenario = new LinkedHashMap<>();
        Map<UUID, Tally> byPartner = new LinkedHashMap<>();
        Function<String, Tally> scenario = id -> byScenario.computeIfAbsent(id, k -> new Tally());
        Function<UUID, Tally> partner = id -> byPartner.computeIfAbsent(id, k -> new Tally());

        // the guests' own figures: each guest once for the organization and their partner, once per scenario they have access in
        String guestFigures = """
                select %1$s, g.state, count(*),
                  count(*) filter (where g.state <> 'REMOVED' and not exists (select 1 from rm_guest_sponsor s where s.guest_id = g.guest_id)),
                  count(*) filter (where g.state = 'INVITED' and g.last_sign_in_at is null),
                  count(*) filter (where g.state = 'ACTIVE' and coalesce(g.last_sign_in_at, g.invited_at) < ?1),
                  count(*) filter (where g.state = 'ACTIVE' and coalesce(g.last_sign_in_at, g.invited_at) < ?2),
                  count(*) filter (where g.state = 'ACTIVE' and coalesce(g.last_sign_in_at, g.invited_at) < ?3)
                from %2$s group by 1, 2""";
        Instant[] inactiveSince = new Instant[INACTIVE_DAYS.length];
        for (int i = 0; i < INACTIVE_DAYS.length; i++) {
            inactiveSince[i] = now.minusSeconds(86_400L * INACTIVE_DAYS[i]);
        }
        for (Object[] row : rows(guestFigures.formatted("g.partner_id", "rm_guest g"), inactiveSince)) {
            addGuests(organization, row);
            if (row[0] != null) {
                addGuests(partner.apply((UUID) row[0]), row);
            }
        }
        for (Object[] row : rows(guestFigures.formatted("gs.scenario_id", """
                (select distinct a.guest_id, r.scenario_id from rm_grant a join rm_resource r on r.resource_id = a.resource_id
                 where a.state = 'ACTIVE' and r.scenario_id is not null) gs join rm_guest g on g.guest_id = gs.guest_id"""), inactiveSince)) {
            addGuests(scenario.apply((String) row[0]), row);
        }

        // active grants by sensitivity, those without an end date, and their review coverage (decided in a campaign lately, or never)
        for (Object[] row : rows("""
                select r.scenario_id, g.partner_id, r.sensitivity, count(*), count(*) filter (where a.expires_at is null),
                  count(*) filter (where rv.last_decided_at >= ?1), count(*) filter (where rv.grant_id is null)
                from rm_grant a join rm_resource r on r.resource_id = a.resource_id left join rm_guest g on g.guest_id = a.guest_id
                left join grant_review rv on rv.grant_id = a.grant_id
                where a.state = 'ACTIVE' group by 1, 2, 3""", now.minusSeconds(86_400L * REVIEWED_WITHIN_DAYS))) {
            List<Tally> scopes = scopes(organization, row[0] == null ? null : scenario.apply((String) row[0]),
                    row[1] == null ? null : partner.apply((UUID) row[1]));
            String sensitivity = (String) row[2];
            long grants = ((Number) row[3]).longValue();
            long openEnded = SENSITIVE.contains(sensitivity) ? ((Number) row[4]).longValue() : 0;
            long never = ((Number) row[6]).longValue();
            for (Tally t : scopes) {
                t.grantsBySensitivity.merge(sensitivity, grants, Long::sum);
                t.openEndedSensitive += openEnded;
                t.activeGrants += grants;
                t.reviewed90 += ((Number) row[5]).longValue();
                t.neverReviewed += never;
                t.neverReviewedSensitive += SENSITIVE.contains(sensitivity) ? never : 0;
            }
        }

        // open violations, where their grant's resource and guest place them
        for (Object[] row : rows("""
                select r.scenario_id, g.partner_id, count(*) from violation v left join rm_resource r on r.resource_id = v.resource_id
                left join rm_guest g on g.guest_id = v.guest_id where v.state = 'OPEN' group by 1, 2""")) {
            for (Tally t : scopes(organization, row[0] == null ? null : scenario.apply((String) row[0]),
                    row[1] == null ? null : partner.apply((UUID) row[1]))) {
                t.openViolations += ((Number) row[2]).longValue();
            }
        }
        long held = ((Number) em.createNativeQuery("select count(*) from enforcement_hold where state = 'PENDING'").getSingleResult()).longValue();

        // every scenario and partner is listed, those with nothing in them too: an empty scenario is a figure as well
        List<ScenarioPosture> scenarios = new ArrayList<>();
        for (Scenario s : Scenario.<Scenario>listAll()) {
            Tally t = byScenario.getOrDefault(s.id.toString(), new Tally());
            scenarios.add(new ScenarioPosture(s.id, s.name, s.controlModel, t.figures()));
        }
        scenarios.sort(Comparator.comparing(ScenarioPosture::name));
        List<PartnerPosture> partners = new ArrayList<>();
        Instant signalledSince = now.minusSeconds(86_400L * SIGNALLED_WITHIN_DAYS);
        long connected = 0;
        for (Object[] row : rows("select partner_id, name, state, ssf_verified_at, last_signal_at, scim_provisioned_at from rm_partner"
                + " order by name, partner_id")) {
            Tally t = byPartner.getOrDefault((UUID) row[0], new Tally());
            Instant ssf = instant(row[3]), signal = instant(row[4]), scim = instant(row[5]);
            boolean live = ssf != null || scim != null || (signal != null && !signal.isBefore(signalledSince));
            connected += live ? 1 : 0;
            partners.add(new PartnerPosture((UUID) row[0], (String) row[1], (String) row[2], new SignalChannel(live, ssf, signal, scim), t.figures()));
        }
        return new Snapshot(now, organization.figures(), List.copyOf(scenarios), List.copyOf(partners), held, timeToRevoke.lastWeek(now),
                new PartnerChannels(connected, partners.size() - connected));
    }

    private static Instant instant(Object value) {
        return value == null ? null : value instanceof java.sql.Timestamp t ? t.toInstant()
                : value instanceof java.time.OffsetDateTime o ? o.toInstant() : (Instant) value;
    }

    private static void addGuests(Tally t, Object[] row) {
        long guests = ((Number) row[2]).longValue();
        t.guestsByState.merge((String) row[1], guests, Long::sum);
        t.withoutSponsor += ((Number) row[3]).longValue();
        t.neverRedeemed += ((Number) row[4]).longValue();
        for (int i = 0; i < INACTIVE_DAYS.length; i++) {
            t.inactive.merge(INACTIVE_DAYS[i] + "d", ((Number) row[5 + i]).longValue(), Long::sum);
        }
    }

    private static List<Tally> scopes(Tally organization, Tally scenario, Tally partner) {
        List<Tally> scopes = new ArrayList<>(List.of(organization));
        if (scenario != null) {
            scopes.add(scenario);
        }
        if (partner != null) {
            scopes.add(partner);
        }
        return scopes;
    }

    @SuppressWarnings("unchecked")
    private List<Object[]> rows(String sql, Object... parameters) {
        var query = em.createNativeQuery(sql);
        for (int i = 0; i < parameters.length; i++) {
            query.setParameter(i + 1, parameters[i]);
        }
        return query.getResultList();
    }
}

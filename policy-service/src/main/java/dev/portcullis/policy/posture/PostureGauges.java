package dev.portcullis.policy.posture;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The posture as Prometheus gauges, set from each hourly snapshot ({@link PostureSeries}): for the organization
 * ({@code scope="organization"}) and each scenario ({@code scope="scenario"}, {@code scenario} its name, {@code control_model}).
 * Partners are left out: there may be thousands, and the API has them. deploy/grafana/posture.json draws them.
 */
@ApplicationScoped
public class PostureGauges {

    @Inject
    MeterRegistry registry;

    private MultiGauge guests;
    private MultiGauge grants;
    private MultiGauge inactive;
    private MultiGauge withoutSponsor;
    private MultiGauge neverRedeemed;
    private MultiGauge openEnded;
    private MultiGauge violations;
    private MultiGauge held;
    private MultiGauge reviewed;
    private MultiGauge neverReviewed;

    @PostConstruct
    void register() {
        guests = gauge("portcullis.posture.guests", "guests by state");
        grants = gauge("portcullis.posture.grants.active", "active grants by sensitivity");
        inactive = gauge("portcullis.posture.guests.inactive", "active guests not signed in for the days given");
        withoutSponsor = gauge("portcullis.posture.guests.without.sponsor", "guests without a sponsor");
        neverRedeemed = gauge("portcullis.posture.invitations.unredeemed", "invitations never redeemed");
        openEnded = gauge("portcullis.posture.grants.open.ended.sensitive", "CONFIDENTIAL and HIGHLY_CONFIDENTIAL grants without an end date");
        violations = gauge("portcullis.posture.violations.open", "open policy violations");
        held = gauge("portcullis.posture.enforcements.held", "enforcements held for an admin");
        reviewed = gauge("portcullis.posture.grants.reviewed.recently", "active grants a campaign decided in the last 90 days");
        neverReviewed = gauge("portcullis.posture.grants.never.reviewed", "active grants no campaign ever decided");
    }

    private MultiGauge gauge(String name, String description) {
        return MultiGauge.builder(name).description(description).register(registry);
    }

    /** Replaces every gauge's rows with the snapshot's: a scenario deleted since goes away. */
    void show(Posture.Snapshot snapshot) {
        List<Scoped> scopes = new ArrayList<>();
        scopes.add(new Scoped(Tags.of("scope", "organization", "scenario", "", "control_model", ""), snapshot.organization()));
        for (Posture.ScenarioPosture s : snapshot.scenarios()) {
            scopes.add(new Scoped(Tags.of("scope", "scenario", "scenario", s.name(), "control_model", s.controlModel().name()), s.figures()));
        }
        guests.register(byKey(scopes, Posture.Figures::guestsByState, "state"), true);
        grants.register(byKey(scopes, Posture.Figures::activeGrantsBySensitivity, "sensitivity"), true);
        inactive.register(byKey(scopes, Posture.Figures::inactiveGuests, "days"), true);
        withoutSponsor.register(one(scopes, Posture.Figures::guestsWithoutSponsor), true);
        neverRedeemed.register(one(scopes, Posture.Figures::invitationsNeverRedeemed), true);
        openEnded.register(one(scopes, Posture.Figures::openEndedSensitiveGrants), true);
        violations.register(one(scopes, Posture.Figures::openViolations), true);
        reviewed.register(one(scopes, f -> f.reviewCoverage().reviewedLast90Days()), true);
        neverReviewed.register(one(scopes, f -> f.reviewCoverage().neverReviewed()), true);
        held.register(List.of(MultiGauge.Row.of(Tags.of("scope", "organization"), snapshot.heldEnforcements())), true);
    }

    private record Scoped(Tags tags, Posture.Figures figures) {
    }

    private static List<MultiGauge.Row<?>> byKey(List<Scoped> scopes, Function<Posture.Figures, Map<String, Long>> figure, String key) {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        for (Scoped scope : scopes) {
            figure.apply(scope.figures()).forEach((k, v) -> rows.add(MultiGauge.Row.of(scope.tags().and(key, k), v)));
        }
        return rows;
    }

    private static List<MultiGauge.Row<?>> one(List<Scoped> scopes, Function<Posture.Figures, Long> figure) {
        return scopes.stream().<MultiGauge.Row<?>>map(s -> MultiGauge.Row.of(s.tags(), figure.apply(s.figures()))).toList();
    }
}

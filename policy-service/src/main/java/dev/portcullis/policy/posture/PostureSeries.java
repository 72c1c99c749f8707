package dev.portcullis.policy.posture;

import dev.portcullis.backbone.work.BackgroundWorker;
import dev.portcullis.backbone.work.Retention;
import dev.portcullis.events.EventJson;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.persistence.EntityManager;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The posture as a daily series, kept a year: every hour the figures of every scope are written to {@code posture_daily} as
 * today's (UTC), so a day's point is its last hour's. Two instances both write the same figures over each other; a day a
 * service did not run has no point.
 */
@ApplicationScoped
public class PostureSeries {

    public static final String ORGANIZATION = "organization";
    private static final Duration KEEP = Duration.ofDays(366);

    @Inject
    PostureCache posture;

    @Inject
    EntityManager em;

    @Inject
    Clock clock;

    @Inject
    PostureGauges gauges;

    private final BackgroundWorker worker = new BackgroundWorker("posture-daily", this::recordToday, Duration.ofHours(1), Duration.ofMinutes(5));

    public record Point(LocalDate day, Posture.Figures figures) {
    }

    void start(@Observes StartupEvent event) {
        worker.start();
        worker.wake(); // today's point at once, not an hour after start: a new platform's dashboard has a day to draw
    }

    void stop(@Observes ShutdownEvent event) {
        worker.stop();
    }

    @Produces
    @Singleton
    Retention.Kept postureDaily() {
        return new Retention.Kept("posture_daily", "recorded_at", KEEP);
    }

    /** Writes the figures of every scope as today's, and sets the gauges from them; never more to do at once. */
    public boolean recordToday() {
        Posture.Snapshot snapshot = posture.refresh(); // the dashboard's too
        QuarkusTransaction.requiringNew().run(() -> {
            LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
            gauges.show(snapshot);
            Map<String, Posture.Figures> scopes = new LinkedHashMap<>();
            scopes.put(ORGANIZATION, snapshot.organization());
            snapshot.scenarios().forEach(s -> scopes.put("scenario:" + s.scenarioId(), s.figures()));
            snapshot.partners().forEach(p -> scopes.put("partner:" + p.partnerId(), p.figures()));
            // every scope in one statement, in one order for every instance (so two instances writing the same day wait, never deadlock)
            em.createNativeQuery("insert into posture_daily (day, scope, figures, recorded_at) select ?1, s, f, ?2"
                    + " from unnest(cast(?3 as text[]), cast(?4 as text[])) as t(s, f)"
                    + " on conflict (scope, day) do update set figures = excluded.figures, recorded_at = excluded.recorded_at")
                    .setParameter(1, today).setParameter(2, clock.instant())
                    .setParameter(3, scopes.keySet().toArray(String[]::new))
                    .setParameter(4, scopes.values().stream().map(PostureSeries::json).toArray(String[]::new)).executeUpdate();
        });
        return false;
    }

    /** The scope's recorded days from {@code from} to {@code to}, both included, oldest first. */
    @SuppressWarnings("unchecked")
    public List<Point> series(String scope, LocalDate from, LocalDate to) {
        List<Object[]> rows = em.createNativeQuery("select day, figures from posture_daily where scope = ?1 and day between ?2 and ?3 order by day")
                .setParameter(1, scope).setParameter(2, from).setParameter(3, to).getResultList();
        return rows.stream().map(r -> new Point(toDay(r[0]), figures((String) r[1]))).toList();
    }

    private static String json(Posture.Figures figures) {
        try {
            return EventJson.mapper().writeValueAsString(figures);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Posture.Figures figures(String json) {
        try {
            return EventJson.mapper().readValue(json, Posture.Figures.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a posture_daily row that is not the figures' JSON", e);
        }
    }

    private static LocalDate toDay(Object value) {
        return value instanceof java.sql.Date d ? d.toLocalDate() : (LocalDate) value;
    }
}

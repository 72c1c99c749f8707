package dev.portcullis.backbone.outbox;

import dev.portcullis.backbone.config.PortcullisSettings;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * What an operator sees of the outbox: its backlog, the age of its oldest unpublished row and its
 * parked rows as gauges; and readiness, which fails when the oldest unpublished row is older than
 * {@code portcullis.outbox.max-age}: events that old mean the relay is stuck, not that Kafka blinked.
 */
@Readiness
@ApplicationScoped
public class OutboxMonitor implements HealthCheck {

    @Inject
    AgroalDataSource dataSource;

    @Inject
    MeterRegistry metrics;

    @Inject
    OutboxRelay relay;

    @Inject
    PortcullisSettings settings;

    record Stats(long backlog, double oldestAgeSeconds, long parked) {
    }

    void registerGauges(@Observes StartupEvent event) {
        Gauge.builder("portcullis.outbox.backlog", this, m -> m.statsOrNull() == null ? Double.NaN : m.statsOrNull().backlog())
                .description("outbox rows waiting to be published").register(metrics);
        Gauge.builder("portcullis.outbox.oldest.age", this, m -> m.statsOrNull() == null ? Double.NaN : m.statsOrNull().oldestAgeSeconds())
                .baseUnit("seconds").description("age of the oldest unpublished outbox row").register(metrics);
        Gauge.builder("portcullis.outbox.parked.rows", this, m -> m.statsOrNull() == null ? Double.NaN : m.statsOrNull().parked())
                .description("outbox rows Kafka refused for good, waiting for an operator").register(metrics);
        Gauge.builder("portcullis.outbox.relay.active", relay, r -> r.active() ? 1 : 0)
                .description("1 on the instance that holds the relay lease").register(metrics);
    }

    Stats stats() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("select count(*) filter (where parked_at is null),"
                        + " coalesce(extract(epoch from now() - min(occurred_at) filter (where parked_at is null)), 0),"
                        + " count(*) filter (where parked_at is not null) from outbox_event where published_at is null")) {
            r.next();
            return new Stats(r.getLong(1), r.getDouble(2), r.getLong(3));
        }
    }

    private Stats statsOrNull() {
        try {
            return stats();
        } catch (SQLException e) {
            return null;
        }
    }

    @Override
    public HealthCheckResponse call() {
        try {
            Stats stats = stats();
            boolean fresh = stats.oldestAgeSeconds() <= settings.outbox().maxAge().toSeconds();
            return HealthCheckResponse.named("outbox").status(fresh).withData("backlog", stats.backlog())
                    .withData("oldestAgeSeconds", (long) stats.oldestAgeSeconds()).withData("parked", stats.parked())
                    .withData("relayActiveHere", relay.active()).build();
        } catch (SQLException e) {
            return HealthCheckResponse.named("outbox").down().withData("error", "database unreachable: " + e.getMessage()).build();
        }
    }
}

package dev.portcullis.policy.posture;

import dev.portcullis.policy.config.PolicySettings;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.context.ManagedExecutor;
import org.jboss.logging.Logger;

/**
 * The posture as the dashboard asks for it: computing it over 100,000 guests and 500,000 grants takes about a second
 * (docs/benchmarks.md), so a request gets the last one computed, and a stale one is recomputed in the background meanwhile,
 * once however many ask (stale while revalidating). Stale means older than ten times what the last computation took, at least
 * 1 s and at most {@code portcullis.policy.posture-max-age} (30 s): a small organization's dashboard is a second behind, a
 * large one's pays at most a tenth of a core for being watched. Only the first request after a start waits for it. Its
 * {@code asOf} says how old it is; the figures lag inventory's events anyway.
 */
@ApplicationScoped
public class PostureCache {

    private static final Logger LOG = Logger.getLogger(PostureCache.class);

    @Inject
    Posture posture;

    @Inject
    PolicySettings settings;

    @Inject
    Clock clock;

    @Inject
    ManagedExecutor executor;

    /** A snapshot is fresh for this many times what it took to compute (at least {@link #MIN_AGE}). */
    static final int COST_FACTOR = 10;
    static final Duration MIN_AGE = Duration.ofSeconds(1);

    private volatile Posture.Snapshot last;
    private volatile Duration lastCost = Duration.ZERO;
    private final AtomicBoolean refreshing = new AtomicBoolean();

    public Posture.Snapshot current() {
        Posture.Snapshot snapshot = last;
        Duration maxAge = settings.postureMaxAge();
        if (snapshot == null || maxAge.isZero()) {
            return refresh();
        }
        if (Duration.between(snapshot.asOf(), clock.instant()).compareTo(freshFor(lastCost, maxAge)) > 0 && refreshing.compareAndSet(false, true)) {
            executor.runAsync(() -> {
                try {
                    refresh();
                } catch (RuntimeException e) {
                    LOG.warnf("the posture could not be recomputed (the last one stays): %s", e.toString());
                } finally {
                    refreshing.set(false);
                }
            });
        }
        return snapshot;
    }

    /** Computes the posture now, and keeps it for the requests that follow (the hourly series pass calls it too). */
    public Posture.Snapshot refresh() {
        long started = System.nanoTime();
        Posture.Snapshot snapshot = QuarkusTransaction.requiringNew().call(posture::now);
        lastCost = Duration.ofNanos(System.nanoTime() - started);
        last = snapshot;
        return snapshot;
    }

    /** How long a snapshot that took {@code cost} to compute is served before it is recomputed. */
    static Duration freshFor(Duration cost, Duration maxAge) {
        Duration proportional = cost.multipliedBy(COST_FACTOR);
        Duration atLeast = proportional.compareTo(MIN_AGE) < 0 ? MIN_AGE : proportional;
        return atLeast.compareTo(maxAge) > 0 ? maxAge : atLeast;
    }
}

package dev.portcullis.review.clock;

import io.quarkus.arc.profile.IfBuildProfile;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * review-service's time on a test platform: the system's, plus an offset that {@link TestClockResource} moves, so that an
 * end-to-end test can let a campaign reach its end without waiting two weeks. Only in the {@code test-platform} build (the e2e
 * tests'); every other build, the one that ships included, has no such class and runs on the system clock.
 */
@Singleton
@IfBuildProfile("test-platform")
public class MovableClock extends Clock {

    private final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);

    public Duration offset() {
        return offset.get();
    }

    void offset(Duration value) {
        offset.set(value);
    }

    @Override
    public Instant instant() {
        return Instant.now().plus(offset.get());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return Clock.offset(Clock.system(zone), offset.get());
    }
}

package dev.portcullis.review.clock;

import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * review-service's time: the system's, plus an offset that is zero unless a test platform moved it
 * ({@link TestClockResource}, only where {@code portcullis.review.clock-adjustable} is set), so that an
 * end-to-end test can let a campaign reach its end without waiting two weeks.
 */
@Singleton
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

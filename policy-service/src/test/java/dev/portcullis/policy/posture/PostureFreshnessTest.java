package dev.portcullis.policy.posture;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How long the dashboard's posture is served before it is recomputed: in proportion to what it costs, within bounds. */
class PostureFreshnessTest {

    private static final Duration MAX = Duration.ofSeconds(30);

    @Test
    void aSmallOrganizationsPostureIsASecondBehindAtMost() {
        assertEquals(Duration.ofSeconds(1), PostureCache.freshFor(Duration.ofMillis(20), MAX));
        assertEquals(Duration.ofSeconds(1), PostureCache.freshFor(Duration.ZERO, MAX));
    }

    @Test
    void aCostlyPostureIsServedTenTimesAsLongAsItTookUpToTheConfiguredMaximum() {
        assertEquals(Duration.ofMillis(4_000), PostureCache.freshFor(Duration.ofMillis(400), MAX));
        assertEquals(MAX, PostureCache.freshFor(Duration.ofSeconds(5), MAX));
    }

    @Test
    void aMaximumBelowASecondWins() {
        assertEquals(Duration.ofMillis(500), PostureCache.freshFor(Duration.ofMillis(20), Duration.ofMillis(500)));
    }
}

package dev.portcullis.review.domain;

import java.time.Instant;
import java.time.Period;
import java.time.ZoneOffset;

/** How often a definition starts a campaign. */
public enum Recurrence {
    ONCE(null, 0),
    WEEKLY(Period.ofWeeks(1), 7),
    MONTHLY(Period.ofMonths(1), 28),
    QUARTERLY(Period.ofMonths(3), 89),
    SEMI_ANNUALLY(Period.ofMonths(6), 181),
    ANNUALLY(Period.ofYears(1), 365);

    private final Period period;
    private final int shortestDays;

    Recurrence(Period period, int shortestDays) {
        this.period = period;
        this.shortestDays = shortestDays;
    }

    /** The fewest days between two starts (a month can be 28 days): a campaign must end before the next begins. */
    public int shortestDays() {
        return shortestDays;
    }

    /** The next start after {@code start}, in calendar terms (UTC); null for ONCE. */
    public Instant after(Instant start) {
        return period == null ? null : start.atOffset(ZoneOffset.UTC).plus(period).toInstant();
    }
}

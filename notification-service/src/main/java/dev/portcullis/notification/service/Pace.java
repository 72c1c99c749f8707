package dev.portcullis.notification.service;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * At most {@code perSecond} sends, evenly spaced: each takes the next free slot, {@code 1/perSecond} after the last one taken.
 * A quiet spell saves no slots, so no burst follows it (a relay counts bursts too).
 */
final class Pace {

    private final long intervalNanos;
    private final LongSupplier nanoTime;
    private long nextFree;

    Pace(double perSecond) {
        this(perSecond, System::nanoTime);
    }

    Pace(double perSecond, LongSupplier nanoTime) {
        if (!(perSecond > 0)) {
            throw new IllegalArgumentException("portcullis.notification.mail.rate must be above 0, was " + perSecond);
        }
        this.intervalNanos = (long) (TimeUnit.SECONDS.toNanos(1) / perSecond);
        this.nanoTime = nanoTime;
        this.nextFree = nanoTime.getAsLong();
    }

    /** Takes the next slot; returns how long the caller must wait for it, in nanoseconds. */
    synchronized long reserve() {
        long now = nanoTime.getAsLong();
        long slot = Math.max(now, nextFree);
        nextFree = slot + intervalNanos;
        return slot - now;
    }

    /** Waits for the next slot. */
    void acquire() throws InterruptedException {
        long wait = reserve();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }
}

package dev.portcullis.backbone;

import java.security.SecureRandom;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The platform's row and event ids: time-ordered UUIDs (version 7, RFC 9562), so lists paged by id come in creation order and
 * inserts land at the right end of their B-tree instead of anywhere in it. Within one JVM they strictly increase: the 12 bits
 * after the millisecond count the ids made in it (RFC 9562 §6.2, method 1); the last 62 bits are random, so an id cannot be guessed
 * from another. Secrets and one-time values (a {@code jti}, a verification state) stay random UUIDs.
 */
public final class Ids {

    private static final SecureRandom RANDOM = new SecureRandom();
    /** The last unix millisecond and counter handed out, as {@code millis << 12 | counter}. */
    private static final AtomicLong LAST = new AtomicLong();

    private Ids() {
    }

    public static UUID next() {
        long now = System.currentTimeMillis() << 12;
        // more than 4,096 ids in one millisecond borrow from the next: the order holds, the time runs ahead by as much
        long stamp = LAST.updateAndGet(last -> Math.max(now, last + 1));
        long high = (stamp >>> 12) << 16 | 0x7000L | (stamp & 0xFFFL);
        long low = RANDOM.nextLong() & 0x3FFFFFFFFFFFFFFFL | 0x8000000000000000L;
        return new UUID(high, low);
    }
}

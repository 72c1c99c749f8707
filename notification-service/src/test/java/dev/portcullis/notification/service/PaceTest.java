package dev.portcullis.notification.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PaceTest {

    private static final long MS = 1_000_000;

    @Test
    void sendsAreSpacedByTheRateAndAQuietSpellSavesNoBurst() {
        AtomicLong now = new AtomicLong(0);
        Pace pace = new Pace(10, now::get); // one every 100 ms
        assertEquals(0, pace.reserve());
        assertEquals(100 * MS, pace.reserve());
        assertEquals(200 * MS, pace.reserve());
        now.set(250 * MS); // the third slot (200 ms) has passed: the fourth is at 300 ms
        assertEquals(50 * MS, pace.reserve());
        now.set(10_000 * MS); // ten quiet seconds: still one slot at a time
        assertEquals(0, pace.reserve());
        assertEquals(100 * MS, pace.reserve());
    }

    @Test
    void aRateOfZeroOrLessIsRefusedAtStart() {
        assertThrows(IllegalArgumentException.class, () -> new Pace(0));
        assertThrows(IllegalArgumentException.class, () -> new Pace(-1));
    }
}

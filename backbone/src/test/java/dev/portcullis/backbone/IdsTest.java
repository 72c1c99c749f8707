package dev.portcullis.backbone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class IdsTest {

    @Test
    void idsAreVersion7CarryTheirMillisecondAndSortInTheOrderTheyWereMade() {
        long before = System.currentTimeMillis();
        List<UUID> made = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) { // more than 4,096 in a millisecond, surely
            made.add(Ids.next());
        }
        UUID first = made.get(0);
        assertEquals(7, first.version());
        assertEquals(2, first.variant());
        long millis = first.getMostSignificantBits() >>> 16;
        assertTrue(millis >= before && millis <= System.currentTimeMillis(), "the first id carries the time it was made");
        for (int i = 1; i < made.size(); i++) {
            // as PostgreSQL orders uuid: bytewise, unsigned
            assertTrue(made.get(i).toString().compareTo(made.get(i - 1).toString()) > 0, "id " + i + " sorts after the one before it");
        }
        assertEquals(made.size(), new HashSet<>(made).size());
    }
}

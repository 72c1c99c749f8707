package dev.portcullis.backbone.rest;

import dev.portcullis.backbone.problem.BadRequestProblem;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/** One page of a list: {@code {"items": [...], "nextCursor": "..."|null}}. */
public record Page<T>(List<T> items, String nextCursor) {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 500;

    /**
     * Builds a page from rows fetched in id order with {@code limit + 1} rows asked for: the extra
     * row only says that another page exists.
     */
    public static <E, T> Page<T> of(List<E> rowsPlusOne, int limit, Function<E, UUID> id, Function<E, T> map) {
        boolean more = rowsPlusOne.size() > limit;
        List<E> rows = more ? rowsPlusOne.subList(0, limit) : rowsPlusOne;
        String next = more ? encode(id.apply(rows.get(rows.size() - 1))) : null;
        return new Page<>(rows.stream().map(map).toList(), next);
    }

    /** The opaque cursor; the id after which the next page starts. */
    public static String encode(UUID after) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(after.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Reads a cursor from {@code ?cursor=}; a tampered one is a 400 naming the parameter. */
    public static UUID decode(String cursor) {
        if (cursor == null || cursor.isBlank()) {
            return null;
        }
        try {
            return UUID.fromString(new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new BadRequestProblem("cursor", "not a cursor returned by this API");
        }
    }

    /** The cursor of a list ordered by a number (an audit record's sequence, a line of an import): the last row's. */
    public static String encodeNumber(long after) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("n:" + after).getBytes(StandardCharsets.UTF_8));
    }

    /** Reads a number cursor; null when absent, a tampered one a 400 naming the parameter. */
    public static Long decodeNumber(String cursor) {
        if (cursor == null || cursor.isBlank()) {
            return null;
        }
        try {
            String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (text.startsWith("n:")) {
                return Long.valueOf(text.substring(2));
            }
        } catch (IllegalArgumentException e) {
            // falls through to the 400
        }
        throw new BadRequestProblem("cursor", "not a cursor returned by this API");
    }

    /** A cursor of a list in another order than the id's: the last row's key and id. */
    public record KeyedCursor(Instant key, UUID id) {
    }

    public static String encodeKeyed(Instant key, UUID after) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString((key + "|" + after).getBytes(StandardCharsets.UTF_8));
    }

    /** Reads a keyed cursor; a tampered one is a 400 naming the parameter. */
    public static KeyedCursor decodeKeyed(String cursor) {
        if (cursor == null || cursor.isBlank()) {
            return null;
        }
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\\|", 2);
            return new KeyedCursor(java.time.Instant.parse(parts[0]), UUID.fromString(parts[1]));
        } catch (RuntimeException e) {
            throw new BadRequestProblem("cursor", "not a cursor returned by this API");
        }
    }

    /** Checks {@code ?limit=} as the caller wrote it: a whole number from 1 to 500, 50 when absent. */
    public static int limit(String value) {
        Integer limit = QueryParams.integer("limit", value);
        if (limit == null) {
            return DEFAULT_LIMIT;
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new BadRequestProblem("limit", "must be between 1 and " + MAX_LIMIT);
        }
        return limit;
    }
}

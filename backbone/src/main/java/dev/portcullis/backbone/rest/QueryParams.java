package dev.portcullis.backbone.rest;

import dev.portcullis.backbone.problem.BadRequestProblem;
import java.util.Arrays;
import java.util.UUID;

/**
 * Reads typed query parameters. JAX-RS answers 404 when it cannot convert one; a caller who typed
 * {@code ?state=LOST} deserves a 400 that names the parameter, so list endpoints take strings and
 * convert them here.
 */
public final class QueryParams {

    private QueryParams() {
    }

    public static <E extends Enum<E>> E enumValue(Class<E> type, String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Enum.valueOf(type, value);
        } catch (IllegalArgumentException e) {
            throw new BadRequestProblem(name, "must be one of " + Arrays.toString(type.getEnumConstants()));
        }
    }

    /** A whole number, or null when absent; {@code ?limit=abc} or one past the int range is a 400 naming it. */
    public static Integer integer(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Integer.valueOf(value.trim());
        } catch (NumberFormatException e) {
            throw new BadRequestProblem(name, "must be a whole number");
        }
    }

    /** A whole number from {@code min} to {@code max}, or null when absent; anything else is a 400 naming it. */
    public static Integer integer(String name, String value, int min, int max) {
        Integer number = integer(name, value);
        if (number != null && (number < min || number > max)) {
            throw new BadRequestProblem(name, "must be from " + min + " to " + max);
        }
        return number;
    }

    /** A day as {@code 2026-12-05}, or null when absent; anything else is a 400 naming it. */
    public static java.time.LocalDate date(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return java.time.LocalDate.parse(value.trim());
        } catch (java.time.format.DateTimeParseException e) {
            throw new BadRequestProblem(name, "must be a date, as 2026-12-05");
        }
    }

    public static UUID uuid(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw new BadRequestProblem(name, "must be a UUID");
        }
    }

    /** {@code true} or {@code false}; absent is false; anything else a 400 naming the parameter. */
    public static boolean bool(String name, String value) {
        if (value == null || value.isBlank() || value.equals("false")) {
            return false;
        }
        if (value.equals("true")) {
            return true;
        }
        throw new BadRequestProblem(name, "must be true or false");
    }
}

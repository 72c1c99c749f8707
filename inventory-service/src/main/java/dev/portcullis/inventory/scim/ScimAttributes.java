package dev.portcullis.inventory.scim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code attributes} and {@code excludedAttributes} (RFC 7644 §3.4.2.5, §3.9), on every operation that returns a user: the
 * attributes asked for (with {@code id} and {@code schemas}, which are always returned), or all but those excluded. Names are
 * case-insensitive, plain ({@code userName}), a sub-attribute ({@code emails.value}), or qualified by their schema's URN
 * ({@code urn:ietf:params:scim:schemas:core:2.0:User:displayName}, the Guest extension's {@code …:Guest:sponsors}, or the extension's
 * URN alone). A name the User does not have selects or excludes nothing: Entra asks {@code excludedAttributes=members} of every
 * resource type alike.
 */
record ScimAttributes(List<List<String>> included, List<List<String>> excluded) {

    private static final List<String> ALWAYS = List.of("id", "schemas");

    static ScimAttributes of(String attributes, String excludedAttributes) {
        return new ScimAttributes(paths(attributes), paths(excludedAttributes));
    }

    /** Each name as its path from the user's root: the extension's URN is one step, like a complex attribute's name. */
    private static List<List<String>> paths(String names) {
        List<List<String>> paths = new ArrayList<>();
        if (names == null || names.isBlank()) {
            return paths;
        }
        for (String raw : names.split(",")) {
            String name = raw.strip();
            if (name.isEmpty()) {
                continue;
            }
            List<String> path = new ArrayList<>();
            String lower = name.toLowerCase(Locale.ROOT);
            String guest = ScimUserMapper.GUEST_SCHEMA.toLowerCase(Locale.ROOT);
            String user = ScimUserMapper.USER_SCHEMA.toLowerCase(Locale.ROOT) + ":";
            if (lower.startsWith(guest)) {
                path.add(ScimUserMapper.GUEST_SCHEMA);
                name = name.substring(guest.length());
                if (name.startsWith(":")) {
                    name = name.substring(1);
                }
            } else if (lower.startsWith(user)) {
                name = name.substring(user.length());
            }
            if (!name.isEmpty()) {
                path.addAll(Arrays.asList(name.split("\\.")));
            }
            paths.add(path);
        }
        return paths;
    }

    /** The user as asked for; the view is not changed. */
    Map<String, Object> apply(Map<String, Object> user) {
        if (included.isEmpty() && excluded.isEmpty()) {
            return user;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        user.forEach((name, value) -> {
            Object kept = ALWAYS.contains(name) ? value : attribute(name, value, included.isEmpty() ? null : included, excluded);
            if (kept != null) {
                out.put(name, kept);
            }
        });
        return out;
    }

    /**
     * What to return of attribute {@code name}, given the paths asked for at its level ({@code in}; null: all) and those
     * excluded ({@code out}); null for nothing.
     */
    private static Object attribute(String name, Object value, List<List<String>> in, List<List<String>> out) {
        List<List<String>> outBelow = through(name, out);
        if (outBelow.stream().anyMatch(List::isEmpty)) {
            return null; // excluded whole
        }
        List<List<String>> inBelow = null;
        if (in != null) {
            inBelow = through(name, in);
            if (inBelow.isEmpty()) {
                return null; // not asked for
            }
            if (inBelow.stream().anyMatch(List::isEmpty)) {
                inBelow = null; // asked for whole
            }
        }
        return project(value, inBelow, outBelow);
    }

    @SuppressWarnings("unchecked")
    private static Object project(Object value, List<List<String>> in, List<List<String>> out) {
        if (in == null && out.isEmpty()) {
            return value;
        }
        if (value instanceof Map<?, ?> complex) {
            Map<String, Object> kept = new LinkedHashMap<>();
            ((Map<String, Object>) complex).forEach((sub, subValue) -> {
                Object part = attribute(sub, subValue, in, out);
                if (part != null) {
                    kept.put(sub, part);
                }
            });
            return kept.isEmpty() ? null : kept;
        }
        if (value instanceof List<?> multi) {
            // a multi-valued attribute (emails): the paths name each value's sub-attributes
            List<Object> kept = multi.stream().map(item -> project(item, in, out)).filter(java.util.Objects::nonNull).toList();
            return kept.isEmpty() ? null : kept;
        }
        return in == null ? value : null; // a sub-attribute of a simple value names nothing
    }

    /** The rest of each path that goes through {@code name}. */
    private static List<List<String>> through(String name, List<List<String>> paths) {
        return paths.stream().filter(p -> !p.isEmpty() && p.get(0).equalsIgnoreCase(name)).map(p -> p.subList(1, p.size())).toList();
    }
}

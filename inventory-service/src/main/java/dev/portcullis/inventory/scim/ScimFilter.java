package dev.portcullis.inventory.scim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The SCIM filters (RFC 7644 §3.4.2.2) a provisioning client needs to find a user before it creates
 * one: {@code eq} on {@code userName}, {@code emails.value}, {@code externalId}, {@code id} and
 * {@code active}, joined by {@code and}, as JPQL over {@code Guest e}. Attribute names and operators
 * are case-insensitive and may carry the User schema's URN. Anything else is a 400 {@code invalidFilter}
 * saying what is supported, never a filter quietly ignored (which would match everyone).
 */
final class ScimFilter {

    /** The JPQL condition and its parameters; "true" for no filter. */
    record Jpql(String where, Map<String, Object> parameters) {
    }

    private static final String SUPPORTED = "supported: userName, emails.value, externalId, id or active, with eq, joined by and";

    private final String text;
    private int at;
    private final List<String> conditions = new ArrayList<>();
    private final Map<String, Object> parameters = new LinkedHashMap<>();

    private ScimFilter(String text) {
        this.text = text;
    }

    static Jpql parse(String filter) {
        if (filter == null || filter.isBlank()) {
            return new Jpql("true", Map.of());
        }
        if (filter.length() > 1000) {
            throw invalid("is longer than 1000 characters");
        }
        ScimFilter parser = new ScimFilter(filter);
        parser.comparison();
        while (parser.more()) {
            String word = parser.word();
            if (!word.equalsIgnoreCase("and")) {
                throw invalid("'" + word + "' at " + parser.at + " is not supported; " + SUPPORTED);
            }
            parser.comparison();
        }
        return new Jpql(String.join(" and ", parser.conditions), parser.parameters);
    }

    private void comparison() {
        String attribute = word();
        String operator = word();
        if (!operator.equalsIgnoreCase("eq")) {
            throw invalid("operator '" + operator + "' is not supported; " + SUPPORTED);
        }
        Object value = value();
        String name = "p" + parameters.size();
        String path = attribute.toLowerCase(Locale.ROOT);
        if (path.startsWith(ScimUserMapper.USER_SCHEMA.toLowerCase(Locale.ROOT) + ":")) {
            path = path.substring(ScimUserMapper.USER_SCHEMA.length() + 1);
        }
        switch (path) {
            case "username", "emails.value", "emails" -> {
                conditions.add("lower(e.email) = :" + name);
                parameters.put(name, text(attribute, value).toLowerCase(Locale.ROOT));
            }
            case "externalid" -> {
                conditions.add("e.externalId = :" + name);
                parameters.put(name, text(attribute, value));
            }
            case "id" -> {
                String id = text(attribute, value);
                try {
                    parameters.put(name, UUID.fromString(id));
                    conditions.add("e.id = :" + name);
                } catch (IllegalArgumentException e) {
                    conditions.add("false"); // no guest has an id that is no UUID
                }
            }
            case "active" -> {
                if (!(value instanceof Boolean active)) {
                    throw invalid("active compares with true or false");
                }
                conditions.add(active ? "e.state in ('INVITED', 'ACTIVE')" : "e.state = 'BLOCKED'");
            }
            default -> throw invalid("attribute '" + attribute + "' is not filterable; " + SUPPORTED);
        }
    }

    private static String text(String attribute, Object value) {
        if (!(value instanceof String s)) {
            throw invalid(attribute + " compares with a quoted string");
        }
        return s;
    }

    private boolean more() {
        skipSpaces();
        return at < text.length();
    }

    private void skipSpaces() {
        while (at < text.length() && text.charAt(at) == ' ') {
            at++;
        }
    }

    /** An attribute path, an operator or a keyword: up to the next space. */
    private String word() {
        skipSpaces();
        int start = at;
        while (at < text.length() && text.charAt(at) != ' ') {
            if (text.charAt(at) == '(' || text.charAt(at) == '[' || text.charAt(at) == '"') {
                throw invalid("'" + text.charAt(at) + "' at " + at + " is not supported; " + SUPPORTED);
            }
            at++;
        }
        if (start == at) {
            throw invalid("ends where an attribute or operator was expected");
        }
        return text.substring(start, at);
    }

    /** A JSON string (with its escapes), true, false or null. */
    private Object value() {
        skipSpaces();
        if (at < text.length() && text.charAt(at) == '"') {
            StringBuilder value = new StringBuilder();
            at++;
            while (at < text.length()) {
                char c = text.charAt(at++);
                if (c == '"') {
                    return value.toString();
                }
                if (c == '\\' && at < text.length()) {
                    char escaped = text.charAt(at++);
                    switch (escaped) {
                        case 'n' -> value.append('\n');
                        case 't' -> value.append('\t');
                        case 'u' -> {
                            if (at + 4 > text.length()) {
                                throw invalid("a \\u escape needs four hex digits");
                            }
                            try {
                                value.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
                            } catch (NumberFormatException e) {
                                throw invalid("a \\u escape needs four hex digits");
                            }
                            at += 4;
                        }
                        default -> value.append(escaped);
                    }
                } else {
                    value.append(c);
                }
            }
            throw invalid("a string is not closed");
        }
        String word = word();
        return switch (word.toLowerCase(Locale.ROOT)) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            case "null" -> throw invalid("eq null is not supported; " + SUPPORTED);
            default -> throw invalid("'" + word + "' is no value: quote a string, or use true or false");
        };
    }

    private static ScimProblem invalid(String message) {
        return new ScimProblem(400, "invalidFilter", "filter " + message);
    }
}

package dev.portcullis.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@code schemas/ocsf/ocsf-record.v1.json}, which every record of {@code soc.ocsf} passes before it is written, says what OCSF
 * 1.8.0 says: compared, attribute by attribute, with the class and object definitions of the {@code ocsf/ocsf-schema} repository
 * at tag 1.8.0. Every attribute it allows exists in its class or object, with OCSF's type (and array-ness, and object); every
 * attribute OCSF requires, it requires; every enumerated value it allows, OCSF defines; every "at least one of" constraint is
 * OCSF's. The definitions are not part of this project: point {@code OCSF_SCHEMA_DIR} (or {@code -Docsf.schema.dir}) at a
 * checkout of that tag, e.g. {@code git clone -b 1.8.0 --depth 1 https://github.com/ocsf/ocsf-schema}.
 */
class OcsfSchemaConformanceTest {

    private final Map<String, JsonNode> classes = new HashMap<>();
    private final Map<String, JsonNode> objects = new HashMap<>();
    private JsonNode dictionary;
    private JsonNode types;
    private final List<String> mismatches = new ArrayList<>();

    @Test
    void theRecordsSchemaSaysWhatOcsf180Says() throws IOException {
        String dir = System.getProperty("ocsf.schema.dir", System.getenv("OCSF_SCHEMA_DIR"));
        Assumptions.assumeTrue(dir != null && Files.isDirectory(Path.of(dir)),
                "OCSF_SCHEMA_DIR names no checkout of ocsf/ocsf-schema 1.8.0: the comparison with OCSF's own definitions is not run");
        Path root = Path.of(dir);
        assertEquals("1.8.0", read(root.resolve("version.json")).path("version").asText(), "the OCSF version compared with");
        dictionary = read(root.resolve("dictionary.json")).path("attributes");
        types = read(root.resolve("dictionary.json")).path("types").path("attributes");
        try (Stream<Path> files = Files.walk(root.resolve("events"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).toList()) {
                JsonNode definition = read(file);
                classes.put(definition.path("name").asText(), definition);
            }
        }
        try (Stream<Path> files = Files.list(root.resolve("objects"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).toList()) {
                JsonNode definition = read(file);
                objects.put(definition.path("name").asText(), definition);
            }
        }
        JsonNode ours;
        try (InputStream in = getClass().getResourceAsStream("/schemas/ocsf/ocsf-record.v1.json")) {
            ours = EventJson.mapper().readTree(in);
        }
        Set<Integer> written = new HashSet<>();
        ours.path("properties").path("class_uid").path("enum").forEach(uid -> written.add(uid.asInt()));
        int compared = 0;
        for (var def : (Iterable<Map.Entry<String, JsonNode>>) ours.path("$defs")::fields) {
            String name = def.getKey();
            JsonNode schema = def.getValue();
            if (classes.containsKey(name)) {
                JsonNode definition = classes.get(name);
                int uid = schema.at("/properties/class_uid/const").asInt();
                int category = categoryUid(inherited(definition, "category"), root);
                assertEquals(category * 1000 + definition.path("uid").asInt(), uid, name + ": class_uid");
                assertEquals(category, schema.at("/properties/category_uid/const").asInt(), name + ": category_uid");
                assertTrue(written.remove(uid), name + " is one of the classes the record's schema dispatches on");
                compare(name, schema, flatten(definition, classes), null);
            } else {
                assertTrue(objects.containsKey(name), name + " is an OCSF object");
                compare(name, schema, flatten(objects.get(name), objects), objects.get(name));
            }
            compared++;
        }
        assertEquals(Set.of(), written, "classes dispatched on without a definition");
        assertEquals(List.of(), mismatches);
        System.out.printf("OCSF conformance: %d definitions of ocsf-record.v1.json compared with ocsf-schema %s%n", compared, "1.8.0");
    }

    private void compare(String name, JsonNode schema, Map<String, JsonNode> attributes, JsonNode objectDefinition) {
        Set<String> required = new HashSet<>();
        schema.path("required").forEach(r -> required.add(r.asText()));
        attributes.forEach((attribute, definition) -> {
            if ("required".equals(definition.path("requirement").asText()) && !required.contains(attribute)) {
                mismatches.add(name + "." + attribute + ": OCSF requires it, the schema does not");
            }
        });
        for (var property : (Iterable<Map.Entry<String, JsonNode>>) schema.path("properties")::fields) {
            String attribute = property.getKey();
            JsonNode ourDefinition = property.getValue();
            JsonNode definition = attributes.get(attribute);
            if (definition == null) {
                mismatches.add(name + "." + attribute + ": no such attribute in OCSF's " + name);
                continue;
            }
            JsonNode entry = dictionary.path(attribute);
            String type = definition.has("type") ? definition.path("type").asText() : entry.path("type").asText();
            boolean array = definition.has("is_array") ? definition.path("is_array").asBoolean() : entry.path("is_array").asBoolean();
            JsonNode items = array ? ourDefinition.path("items") : ourDefinition;
            if (array && !"array".equals(ourDefinition.path("type").asText())) {
                mismatches.add(name + "." + attribute + ": OCSF has an array");
            }
            if (!"object".equals(type) && objects.containsKey(type)) { // "object" is OCSF's any object (unmapped)
                if (!("#/$defs/" + type).equals(items.path("$ref").asText())) {
                    mismatches.add(name + "." + attribute + ": OCSF's is an object " + type + ", the schema's " + items);
                }
            } else if (!typeMatches(baseType(type), items)) {
                mismatches.add(name + "." + attribute + ": OCSF's type " + type + ", the schema's " + items);
            }
            // the values the dictionary defines, with those the class or object adds
            Set<String> ocsfEnum = new java.util.TreeSet<>();
            entry.path("enum").fieldNames().forEachRemaining(ocsfEnum::add);
            definition.path("enum").fieldNames().forEachRemaining(ocsfEnum::add);
            List<JsonNode> allowed = new ArrayList<>();
            items.path("enum").forEach(allowed::add);
            if (items.has("const") && !"class_uid".equals(attribute) && !"category_uid".equals(attribute) && !"type_uid".equals(attribute)) {
                allowed.add(items.path("const"));
            }
            if (!ocsfEnum.isEmpty() && !"class_uid".equals(attribute) && !"category_uid".equals(attribute)) {
                for (JsonNode value : allowed) {
                    if (!ocsfEnum.contains(value.asText())) {
                        mismatches.add(name + "." + attribute + ": " + value + " is no value OCSF defines " + ocsfEnum);
                    }
                }
            }
        }
        if (objectDefinition != null) {
            Set<String> atLeastOne = new HashSet<>();
            JsonNode constraint = constraint(objectDefinition);
            constraint.forEach(a -> atLeastOne.add(a.asText()));
            Set<String> ours = new HashSet<>();
            schema.path("anyOf").forEach(alternative -> alternative.path("required").forEach(a -> ours.add(a.asText())));
            if (!atLeastOne.equals(ours)) {
                mismatches.add(name + ": OCSF asks for at least one of " + atLeastOne + ", the schema of " + ours);
            }
        }
    }

    /** An object's "at least one of", its own or the one it inherits. */
    private JsonNode constraint(JsonNode definition) {
        JsonNode own = definition.path("constraints").path("at_least_one");
        if (!own.isMissingNode() || !objects.containsKey(definition.path("extends").asText())) {
            return own;
        }
        return constraint(objects.get(definition.path("extends").asText()));
    }

    /** A dictionary type as the scalar it refines ({@code username_t} is a {@code string_t}); {@code object} stays itself. */
    private String baseType(String type) {
        String base = types.path(type).path("type").asText("");
        return base.isEmpty() || base.equals(type) ? type : baseType(base);
    }

    private static boolean typeMatches(String ocsfType, JsonNode ours) {
        boolean integral = ocsfType.equals("integer_t") || ocsfType.equals("long_t");
        if (ours.has("const")) {
            return ocsfType.equals("string_t") ? ours.path("const").isTextual() : integral && ours.path("const").isIntegralNumber();
        }
        if (ours.has("enum")) {
            return integral && ours.path("enum").get(0).isIntegralNumber();
        }
        String type = ours.path("type").asText();
        return switch (ocsfType) {
            case "string_t", "email_t", "url_t", "hostname_t", "ip_t", "datetime_t", "uuid_t" -> type.equals("string");
            case "integer_t", "long_t", "timestamp_t" -> type.equals("integer");
            case "boolean_t" -> type.equals("boolean");
            case "json_t" -> ours.isEmpty();
            case "object" -> type.equals("object");
            default -> false;
        };
    }

    /** A class's or object's attributes, with those of what it extends; its own definition of an attribute wins. */
    private static Map<String, JsonNode> flatten(JsonNode definition, Map<String, JsonNode> all) {
        Map<String, JsonNode> attributes = new LinkedHashMap<>();
        String parent = definition.path("extends").asText(null);
        if (parent != null && all.containsKey(parent)) {
            attributes.putAll(flatten(all.get(parent), all));
        }
        for (var attribute : (Iterable<Map.Entry<String, JsonNode>>) definition.path("attributes")::fields) {
            if (attribute.getKey().startsWith("$")) {
                continue;
            }
            ObjectNode merged = attributes.containsKey(attribute.getKey()) ? ((ObjectNode) attributes.get(attribute.getKey())).deepCopy()
                    : EventJson.mapper().createObjectNode();
            merged.setAll((ObjectNode) attribute.getValue());
            if (attributes.containsKey(attribute.getKey()) && attributes.get(attribute.getKey()).has("enum") && attribute.getValue().has("enum")) {
                // a class adds its activities to the base event's (Unknown, Other)
                ObjectNode values = ((ObjectNode) attributes.get(attribute.getKey()).path("enum")).deepCopy();
                values.setAll((ObjectNode) attribute.getValue().path("enum"));
                merged.set("enum", values);
            }
            attributes.put(attribute.getKey(), merged);
        }
        return attributes;
    }

    /** A class's {@code key}, its own or the nearest it extends. */
    private String inherited(JsonNode definition, String key) {
        while (!definition.has(key) && classes.containsKey(definition.path("extends").asText())) {
            definition = classes.get(definition.path("extends").asText());
        }
        return definition.path(key).asText();
    }

    private static int categoryUid(String category, Path root) throws IOException {
        return read(root.resolve("categories.json")).path("attributes").path(category).path("uid").asInt();
    }

    private static JsonNode read(Path file) throws IOException {
        return EventJson.mapper().readTree(Files.readString(file));
    }
}

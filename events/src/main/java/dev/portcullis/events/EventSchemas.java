package dev.portcullis.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The JSON Schemas of the payloads, checked on both sides of the contract: by the producers' tests
 * and by every consumer before it applies an event.
 */
public final class EventSchemas {

    private static final Map<EventType, JsonSchema> SCHEMAS = new ConcurrentHashMap<>();
    private static final SchemaValidatorsConfig CONFIG = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
    /** Schemas refer to each other (e.g. email-address.v1.json) by their $id; they are read from the classpath, never fetched. */
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
            builder -> builder.schemaMappers(mappers -> mappers.mapPrefix("https://portcullis.dev/schemas/", "classpath:schemas/")));

    private EventSchemas() {
    }

    /** The schema violations of {@code json}, as readable lines; empty when it conforms. */
    public static List<String> violations(EventType type, JsonNode json) {
        return SCHEMAS.computeIfAbsent(type, EventSchemas::load).validate(json).stream()
                .map(ValidationMessage::getMessage)
                .sorted()
                .toList();
    }

    public static List<String> violations(EventType type, String json) {
        try {
            return violations(type, EventJson.mapper().readTree(json));
        } catch (IOException e) {
            return List.of("not JSON: " + e.getMessage());
        }
    }

    /** The violations of a record of {@code soc.ocsf} (see {@code schemas/ocsf/ocsf-record.v1.json}); empty when it conforms. */
    public static List<String> ocsfViolations(JsonNode record) {
        return OcsfSchema.SCHEMA.validate(record).stream().map(ValidationMessage::getMessage).sorted().toList();
    }

    /** Loaded on first use: a service that writes no OCSF record never reads it. */
    private static final class OcsfSchema {
        static final JsonSchema SCHEMA = load("/schemas/ocsf/ocsf-record.v1.json");
    }

    private static JsonSchema load(EventType type) {
        return load(type.schemaResource());
    }

    private static JsonSchema load(String resource) {
        try (InputStream in = EventSchemas.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no schema at " + resource);
            }
            return FACTORY.getSchema(in, CONFIG);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

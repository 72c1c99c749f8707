package dev.portcullis.backbone.inbox;

import dev.portcullis.events.EventJson;
import dev.portcullis.events.EventPayload;
import dev.portcullis.events.EventSchemas;
import dev.portcullis.events.EventType;
import dev.portcullis.events.Topic;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * A CloudEvent read from Kafka in binary mode: the {@code ce_*} headers and the JSON data, and the
 * trace it belongs to (the distributed-tracing extension, {@code ce_traceparent}), if any.
 */
public record IncomingEvent(String id, String ceType, String source, String key, String data, String traceparent) {

    /** Reads the envelope; a record without {@code ce_id} or {@code ce_type} is poison. */
    public static IncomingEvent of(ConsumerRecord<String, String> record) {
        String id = header(record, "ce_id");
        String type = header(record, "ce_type");
        if (id == null || id.isBlank() || type == null || type.isBlank()) {
            throw new PoisonMessageException("not a CloudEvent: ce_id and ce_type headers are required");
        }
        if (record.value() == null) {
            throw new PoisonMessageException("event " + id + " has no data");
        }
        return new IncomingEvent(id, type, header(record, "ce_source"), record.key(), record.value(), header(record, "ce_traceparent"));
    }

    /**
     * The guest this event is about: its record key on Portcullis' own topics keyed by guest, or null
     * (a partner's signal is keyed by whatever the partner chose, not by our guest id).
     */
    public String guestId() {
        return type().filter(t -> t.topic().key() == Topic.RecordKey.GUEST_ID && t.topic() != Topic.PARTNER_SIGNALS).map(t -> key).orElse(null);
    }

    /** The catalogue entry of this event, if this service's version of the contract knows it. */
    public Optional<EventType> type() {
        return EventType.ofCeType(ceType);
    }

    /** The payload, once it has passed its JSON Schema: a payload that breaks the contract is poison. */
    public <T extends EventPayload> T as(Class<T> payloadType) {
        EventType type = type().orElseThrow(() -> new PoisonMessageException("event " + id + ": unknown type " + ceType));
        com.fasterxml.jackson.databind.JsonNode json;
        try {
            json = EventJson.mapper().readTree(data); // read once: validated, then bound
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new PoisonMessageException("event " + id + " breaks the " + type.eventName() + " schema: [not JSON: " + e.getOriginalMessage() + "]");
        }
        List<String> violations = EventSchemas.violations(type, json);
        if (!violations.isEmpty()) {
            throw new PoisonMessageException("event " + id + " breaks the " + type.eventName() + " schema: " + violations);
        }
        try {
            return EventJson.read(json, payloadType);
        } catch (IllegalArgumentException e) {
            throw new PoisonMessageException("event " + id + ": " + e.getMessage());
        }
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}

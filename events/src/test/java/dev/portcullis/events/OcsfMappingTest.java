package dev.portcullis.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.events.ocsf.OcsfMapping;
import dev.portcullis.events.ocsf.OcsfRecord;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the SOC's feed says for each event of the catalogue: which OCSF class and activity, that {@code metadata.uid} is the
 * CloudEvent's id, that the record is keyed as its event, and that every record passes the OCSF schema the outbox checks.
 */
class OcsfMappingTest {

    private static final Instant AT = Instant.parse("2026-12-05T10:15:30.123Z");

    /** The events a SOC is told of, and as what: {@code type_uid} (class × 100 + activity). Any other event maps to nothing. */
    private static final Map<EventType, Long> TOLD = new EnumMap<>(Map.ofEntries(
            Map.entry(EventType.GUEST_INVITED, 300101L),
            Map.entry(EventType.GUEST_BLOCKED, 300105L),
            Map.entry(EventType.GUEST_UNBLOCKED, 300102L),
            Map.entry(EventType.GUEST_REMOVED, 300106L),
            Map.entry(EventType.ACCESS_GRANTED, 300501L),
            Map.entry(EventType.ACCESS_REVOKED, 300502L),
            Map.entry(EventType.REVIEW_DECISION_RECORDED, 300403L),
            Map.entry(EventType.ACCESS_REQUEST_DECIDED, 300403L),
            Map.entry(EventType.POLICY_VIOLATION_DETECTED, 200301L),
            Map.entry(EventType.POLICY_VIOLATION_RESOLVED, 200303L),
            Map.entry(EventType.PARTNER_UPSERTED, 300403L),
            Map.entry(EventType.RESOURCE_UPSERTED, 300403L),
            Map.entry(EventType.ACCESS_PACKAGE_CHANGED, 300403L),
            Map.entry(EventType.GUEST_UPDATED, 300199L),
            Map.entry(EventType.POLICY_ENFORCEMENT_HELD, 300403L),
            Map.entry(EventType.CAMPAIGN_STARTED, 300401L),
            Map.entry(EventType.CAMPAIGN_COMPLETED, 300403L)));

    static List<EventType> typesWithPayload() {
        return EventType.withPayload();
    }

    @ParameterizedTest
    @MethodSource("typesWithPayload")
    void eachEventATheSocCaresAboutIsOneValidRecordJoinedToItsCloudEvent(EventType type) {
        EventPayload payload = EventContractTest.SAMPLES.get(type);
        UUID ceId = UUID.randomUUID();
        var mapped = OcsfMapping.of(payload, ceId, AT);
        assertEquals(TOLD.containsKey(type), mapped.isPresent(), type + " is told to the SOC");
        if (mapped.isEmpty()) {
            return;
        }
        OcsfRecord record = mapped.get();
        ObjectNode event = record.event();
        assertEquals(List.of(), EventSchemas.ocsfViolations(event), type + ": " + event);
        assertEquals(TOLD.get(type), event.path("type_uid").asLong(), type.eventName());
        assertEquals(event.path("class_uid").asLong() * 100 + event.path("activity_id").asLong(), event.path("type_uid").asLong());
        assertEquals(ceId.toString(), event.at("/metadata/uid").asText(), "a SIEM joins the record to its CloudEvent");
        assertEquals(type.ceType(), event.at("/metadata/event_code").asText());
        assertEquals(type.topic().topicName(), event.at("/metadata/log_name").asText());
        assertEquals("1.8.0", event.at("/metadata/version").asText());
        assertEquals("Portcullis", event.at("/metadata/product/name").asText());
        assertEquals(AT.toEpochMilli(), event.path("time").asLong());
        assertEquals(payload.key(), record.key(), "keyed as its event: a guest's records stay in order");
        if (event.path("class_uid").asInt() != 2003) {
            assertFalse(event.path("actor").isEmpty(), type + " names who did it");
        }
    }

    @Test
    void aGuestsAccountAndGrantsNameTheGuestAndWhatStartedTheChain() {
        GuestBlocked blocked = (GuestBlocked) EventContractTest.SAMPLES.get(EventType.GUEST_BLOCKED);
        ObjectNode event = OcsfMapping.of(blocked, UUID.randomUUID(), AT).orElseThrow().event();
        assertEquals(blocked.guestId(), event.at("/user/uid").asText());
        assertEquals(blocked.email(), event.at("/user/email_addr").asText());
        assertEquals(blocked.causeId(), event.at("/metadata/correlation_uid").asText(), "the signal that blocked them");
        assertEquals(blocked.actor(), event.at("/actor/user/name").asText());

        AccessRevoked revoked = (AccessRevoked) EventContractTest.SAMPLES.get(EventType.ACCESS_REVOKED);
        event = OcsfMapping.of(revoked, UUID.randomUUID(), AT).orElseThrow().event();
        assertEquals(revoked.resourceId(), event.at("/resources/0/uid").asText());
        assertEquals(revoked.role(), event.at("/privileges/0").asText());
        assertEquals("PARTNER_ACCOUNT_DISABLED", event.path("status_detail").asText());
        assertEquals(revoked.causeId(), event.at("/metadata/correlation_uid").asText());

        GuestRemoved removed = (GuestRemoved) EventContractTest.SAMPLES.get(EventType.GUEST_REMOVED);
        event = OcsfMapping.of(removed, UUID.randomUUID(), AT).orElseThrow().event();
        assertFalse(event.toString().contains(removed.email()), "a removed guest's address is being erased: the record never holds it");
    }

    @Test
    void aSignalReceivedAndASetSentAreRecordsOfTheirOwn() {
        UUID signal = UUID.randomUUID();
        String guest = UUID.randomUUID().toString();
        for (String type : List.of("ACCOUNT_DISABLED", "ACCOUNT_ENABLED", "ACCOUNT_PURGED", "CREDENTIAL_COMPROMISED")) {
            OcsfRecord record = OcsfMapping.signalReceived(signal, type, "contoso-tenant", "sub-42", "ann@contoso.com", "ssf:contoso", "SSF", null, guest, AT);
            assertEquals(List.of(), EventSchemas.ocsfViolations(record.event()), type);
            assertEquals(guest, record.key());
            assertEquals(signal.toString(), record.event().at("/metadata/uid").asText());
            assertEquals(signal.toString(), record.event().at("/metadata/correlation_uid").asText());
            assertEquals(3001, record.classUid());
        }
        OcsfRecord nobody = OcsfMapping.signalReceived(signal, "ACCOUNT_DISABLED", "contoso-tenant", null, "who@contoso.com", "rest:contoso", "REST",
                "NO_MATCH", null, AT);
        assertEquals(List.of(), EventSchemas.ocsfViolations(nobody.event()));
        assertEquals("contoso-tenant", nobody.key(), "a signal that names no guest is keyed by its partner's tenant");
        assertEquals("NO_MATCH", nobody.event().path("status_detail").asText());
        assertEquals(300105, nobody.event().path("type_uid").asInt());

        UUID jti = UUID.randomUUID();
        OcsfRecord set = OcsfMapping.setSent(jti, "https://schemas.openid.net/secevent/caep/event-type/session-revoked", UUID.randomUUID().toString(),
                "https://apps.example.com", guest, "ann@contoso.com", AT);
        assertEquals(List.of(), EventSchemas.ocsfViolations(set.event()));
        assertEquals(jti.toString(), set.event().at("/metadata/uid").asText());
        assertEquals(guest, set.event().at("/entity/user/uid").asText());
        assertEquals(300401, set.event().path("type_uid").asInt());
    }

    @Test
    void anAdministratorsChangeToAPolicyOrTheDirectoryIsEntityManagementOfIt() {
        String policy = UUID.randomUUID().toString();
        List<Long> activities = new java.util.ArrayList<>();
        for (var change : List.of(Map.entry(1, false), Map.entry(2, false), Map.entry(3, true))) {
            OcsfRecord record = OcsfMapping.policyChanged(UUID.randomUUID(), policy, change.getKey(), "No rival partners", "ENFORCE",
                    change.getValue(), "admin@example.com", AT);
            assertEquals(List.of(), EventSchemas.ocsfViolations(record.event()));
            assertEquals(policy, record.key());
            assertEquals(5, record.event().at("/entity/type_id").asInt(), "OCSF's managed entity type Policy");
            assertEquals(String.valueOf(change.getKey()), record.event().at("/entity/version").asText());
            assertEquals("admin@example.com", record.event().at("/actor/user/name").asText());
            activities.add(record.event().path("type_uid").asLong());
        }
        assertEquals(List.of(300401L, 300403L, 300404L), activities, "created, changed, deleted");

        OcsfRecord put = OcsfMapping.directoryChanged(UUID.randomUUID(), "user", "alice", List.of("email", "roles"), false, "loader", AT);
        assertEquals(List.of(), EventSchemas.ocsfViolations(put.event()));
        assertEquals("user/alice", put.key());
        assertEquals("[\"email\",\"roles\"]", put.event().at("/entity/data/attributes").toString(), "the attributes named, not their values");
        OcsfRecord deleted = OcsfMapping.directoryChanged(UUID.randomUUID(), "user", "alice", List.of(), true, "loader", AT);
        assertEquals(List.of(), EventSchemas.ocsfViolations(deleted.event()));
        assertEquals(300404L, deleted.event().path("type_uid").asLong());
    }

    @Test
    void anAdministratorsChangeThatNoEventTellsIsEntityManagementOfItKeyedByItNamingTheCaller() {
        UUID recordId = UUID.randomUUID();
        OcsfRecord created = OcsfMapping.adminChanged(recordId, "notification-service", OcsfMapping.Change.CREATED, "Webhook", "webhook-created",
                "wh-1", "https://siem.example/hook", Map.of("types", List.of("GUEST_ACCESS_REVOKED")), "admin@example.com", AT, "wh-1");
        assertEquals(List.of(), EventSchemas.ocsfViolations(created.event()));
        assertEquals(300401L, created.event().path("type_uid").asLong());
        assertEquals("wh-1", created.key());
        assertEquals(recordId.toString(), created.event().at("/metadata/uid").asText());
        assertEquals("dev.portcullis.admin.webhook-created", created.event().at("/metadata/event_code").asText());
        assertEquals("notification-service", created.event().at("/metadata/log_name").asText());
        assertEquals("Webhook", created.event().at("/entity/type").asText());
        assertEquals("[\"GUEST_ACCESS_REVOKED\"]", created.event().at("/entity/data/types").toString());
        assertEquals("admin@example.com", created.event().at("/actor/user/name").asText());
        assertEquals("webhook https://siem.example/hook created", created.event().path("message").asText());
        List<Long> activities = new ArrayList<>();
        for (OcsfMapping.Change change : OcsfMapping.Change.values()) {
            OcsfRecord record = OcsfMapping.adminChanged(UUID.randomUUID(), "policy-service", change, "Scenario", "scenario-changed", "s-1", null,
                    Map.of(), "admin", AT, "s-1");
            assertEquals(List.of(), EventSchemas.ocsfViolations(record.event()), change.name());
            activities.add(record.event().path("type_uid").asLong());
        }
        assertEquals(List.of(300401L, 300403L, 300404L), activities);
    }

    /** The schema is a real check: each of these breaks OCSF 1.8.0, and is refused. */
    @Test
    void theSchemaRefusesWhatOcsfDoesNotAllow() {
        ObjectNode valid = OcsfMapping.of(EventContractTest.SAMPLES.get(EventType.ACCESS_REVOKED), UUID.randomUUID(), AT).orElseThrow().event();
        assertEquals(List.of(), EventSchemas.ocsfViolations(valid));
        Map<String, Consumer<ObjectNode>> breaks = Map.of(
                "without user (required by 3005)", e -> e.remove("user"),
                "without privileges (required by 3005)", e -> e.remove("privileges"),
                "an activity 3005 does not define", e -> e.put("activity_id", 7).put("type_uid", 300507),
                "a type_uid that is not class × 100 + activity", e -> e.put("type_uid", 300501),
                "time as text", e -> e.put("time", AT.toString()),
                "a severity_id OCSF does not know", e -> e.put("severity_id", 7),
                "an attribute 3005 does not have", e -> e.put("entity", "x"),
                "metadata without its product", e -> ((ObjectNode) e.get("metadata")).remove("product"),
                "a user with neither uid nor name", e -> ((ObjectNode) e.get("user")).removeAll().put("type_id", 1),
                "an email_addr that is none", e -> ((ObjectNode) e.get("user")).put("email_addr", "ann at contoso"));
        breaks.forEach((what, change) -> {
            ObjectNode broken = valid.deepCopy();
            change.accept(broken);
            assertFalse(EventSchemas.ocsfViolations(broken).isEmpty(), what + " is refused");
        });
        ObjectNode unknownClass = valid.deepCopy().put("class_uid", 4001);
        assertFalse(EventSchemas.ocsfViolations(unknownClass).isEmpty(), "a class Portcullis does not write");
        assertTrue(Arrays.stream(EventType.values()).filter(TOLD::containsKey).allMatch(t -> t.payloadType().isPresent()));
    }
}

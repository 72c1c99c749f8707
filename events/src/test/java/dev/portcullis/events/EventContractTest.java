package dev.portcullis.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The producer side of the contract: every payload record writes JSON its schema accepts, and reads back equal. */
class EventContractTest {

    private static final String GUEST = UUID.randomUUID().toString();
    private static final String GRANT = UUID.randomUUID().toString();
    private static final String RESOURCE = UUID.randomUUID().toString();
    private static final String CAMPAIGN = UUID.randomUUID().toString();
    private static final String DEFINITION = UUID.randomUUID().toString();
    private static final String REQUEST = UUID.randomUUID().toString();
    private static final String PACKAGE = UUID.randomUUID().toString();
    private static final Instant NOW = Instant.parse("2026-11-24T13:00:00Z");

    /** One realistic sample per payload record; a new record without a sample fails {@link #everyPayloadHasASample()}. */
    static final Map<EventType, EventPayload> SAMPLES = Map.ofEntries(
            Map.entry(EventType.PARTNER_ACCOUNT_DISABLED, new PartnerAccountDisabled("contoso-tenant", "sub-42", "ann@contoso.com", NOW, "bulk-account", "partner:contoso")),
            Map.entry(EventType.PARTNER_ACCOUNT_ENABLED, new PartnerAccountEnabled("contoso-tenant", "sub-42", null, NOW, "back from leave", null)),
            Map.entry(EventType.PARTNER_ACCOUNT_PURGED, new PartnerAccountPurged("contoso-tenant", null, "ann@contoso.com", NOW, "left the company", "hr-sync")),
            Map.entry(EventType.PARTNER_CREDENTIAL_COMPROMISED, new PartnerCredentialCompromised("contoso-tenant", "sub-42", "ann@contoso.com", NOW,
                    "password found in a breach corpus", "partner:contoso")),
            Map.entry(EventType.GUEST_INVITED, new GuestInvited(GUEST, "ann@contoso.com", "Ann", UUID.randomUUID().toString(), "contoso-tenant", "sub-42",
                    List.of("sponsor@example.com"), NOW, "admin", "project Falcon")),
            Map.entry(EventType.GUEST_BLOCKED, new GuestBlocked(GUEST, "ann@contoso.com", "Ann", List.of("sponsor@example.com"), "PARTNER_ACCOUNT_DISABLED",
                    UUID.randomUUID().toString(), List.of(new GuestBlocked.RevokedGrant(GRANT, RESOURCE, "CRM", "reader", List.of("owner@example.com"))),
                    NOW, "partner:contoso")),
            Map.entry(EventType.ACCESS_GRANTED, new AccessGranted(GRANT, GUEST, RESOURCE, "reader", NOW, NOW.plusSeconds(86_400), "admin", "project Falcon")),
            Map.entry(EventType.ACCESS_REVOKED, new AccessRevoked(GRANT, GUEST, RESOURCE, "CRM", List.of("owner@example.com"), "reader",
                    RevocationReason.PARTNER_ACCOUNT_DISABLED, UUID.randomUUID().toString(), NOW, "partner:contoso", "ann@contoso.com",
                    List.of("sponsor@example.com"))),
            Map.entry(EventType.ACCESS_REVOCATION_REQUESTED, new AccessRevocationRequested(GRANT, GUEST, RevocationReason.POLICY_VIOLATION,
                    UUID.randomUUID().toString(), "email domain rival.example is blocked", NOW, "policy-service")),
            Map.entry(EventType.RESOURCE_UPSERTED, new ResourceUpserted(RESOURCE, "CRM", "APPLICATION", "CONFIDENTIAL", null, List.of("owner@example.com"), "admin", null)),
            Map.entry(EventType.NOTIFICATION_FAILED, new NotificationFailed(UUID.randomUUID().toString(), "gone@example.com", "GUEST_ACCESS_REVOKED",
                    "Access ended", UUID.randomUUID().toString(), 1, "550 no such user", NOW)),
            Map.entry(EventType.NOTIFICATION_DELIVERED, new NotificationDelivered(UUID.randomUUID().toString(), "owner@example.com", "ACCESS_REVOKED",
                    "Access of Ann revoked", UUID.randomUUID().toString(), NOW)),
            Map.entry(EventType.POLICY_VIOLATION_DETECTED, new PolicyViolationDetected(UUID.randomUUID().toString(), UUID.randomUUID().toString(), 3,
                    "No rival partners", "PARTNER_DOMAINS", "ENFORCE", GUEST, "ann@rival.example", GRANT, RESOURCE, "CRM", List.of("owner@example.com"),
                    "email domain rival.example is blocked",
                    "REVOCATION_REQUESTED", null, NOW)),
            Map.entry(EventType.POLICY_VIOLATION_RESOLVED, new PolicyViolationResolved(UUID.randomUUID().toString(), UUID.randomUUID().toString(), 3,
                    GUEST, GRANT, "GRANT_REVOKED", NOW)),
            Map.entry(EventType.GUEST_UPDATED, new GuestUpdated(GUEST, "ann.new@contoso.com", "Ann", List.of("sponsor@example.com"),
                    List.of("email"), "SCIM", null, NOW, "scim-client")),
            Map.entry(EventType.GUEST_UNBLOCKED, new GuestUnblocked(GUEST, "ann@contoso.com", "Ann", List.of("sponsor@example.com"), "ACTIVE",
                    "PARTNER_ACCOUNT_ENABLED", UUID.randomUUID().toString(), NOW, "partner:contoso")),
            Map.entry(EventType.GUEST_REMOVED, new GuestRemoved(GUEST, List.of("sponsor@example.com"), "PARTNER_ACCOUNT_PURGED",
                    UUID.randomUUID().toString(), List.of(GRANT), NOW, "partner:contoso", "ann@contoso.com")),
            Map.entry(EventType.GUEST_SPONSOR_MISSING, new GuestSponsorMissing(GUEST, UUID.randomUUID().toString(), "ACTIVE", NOW)),
            Map.entry(EventType.GUEST_SIGNED_IN, new GuestSignedIn(GUEST, NOW.minusSeconds(60), "ACTIVE", true, NOW)),
            Map.entry(EventType.ACCESS_EXPIRING, new AccessExpiring(GRANT, GUEST, "ann@contoso.com", List.of("sponsor@example.com"), RESOURCE, "CRM",
                    List.of("owner@example.com"), "reader", NOW.plusSeconds(14 * 86_400), 14)),
            Map.entry(EventType.CAMPAIGN_STARTED, new CampaignStarted(CAMPAIGN, DEFINITION, "Q4 partner review", NOW, NOW.plusSeconds(14 * 86_400), 120, 7,
                    "admin")),
            Map.entry(EventType.REVIEWER_ASSIGNED, new ReviewerAssigned(CAMPAIGN, "Q4 partner review", "owner@example.com", 18, NOW.plusSeconds(14 * 86_400),
                    "http://127.0.0.1:8082/reviews?campaign=" + CAMPAIGN, 1)),
            Map.entry(EventType.REVIEW_REMINDER_DUE, new ReviewReminderDue(CAMPAIGN, "Q4 partner review", "owner@example.com", 5,
                    NOW.plusSeconds(3 * 86_400), 3, "http://127.0.0.1:8082/reviews?campaign=" + CAMPAIGN, 2)),
            Map.entry(EventType.REVIEW_DECISION_RECORDED, new ReviewDecisionRecorded(CAMPAIGN, UUID.randomUUID().toString(), GRANT, GUEST, RESOURCE,
                    "owner@example.com", "DENY", "left the project in March", NOW, "Partner access, Q4", "DENY", "no sign-in for 45 days")),
            Map.entry(EventType.ACCESS_PACKAGE_CHANGED, new AccessPackageChanged(UUID.randomUUID().toString(), 2, "UPDATED", "Falcon engineering",
                    UUID.randomUUID().toString(), List.of("owner@example.com"), List.of(new AccessPackageChanged.PackageResource(RESOURCE, "reader")),
                    "owner@example.com", NOW)),
            Map.entry(EventType.ACCESS_REQUEST_DELIVERED, new AccessRequestDelivered(REQUEST, PACKAGE, "ann@contoso.com", GUEST, List.of(GRANT),
                    NOW.plusSeconds(90 * 86_400), NOW)),
            Map.entry(EventType.ACCESS_REQUEST_REFUSED, new AccessRequestRefused(REQUEST, "ann@contoso.com", GUEST,
                    "the policies refuse to grant CRM to ann@contoso.com", List.of(Map.of("policyId", UUID.randomUUID().toString(), "version", 2,
                    "message", "CONFIDENTIAL is above the ceiling GENERAL")), NOW)),
            Map.entry(EventType.PARTNER_UPSERTED, new PartnerUpserted(UUID.randomUUID().toString(), "Contoso", "contoso-tenant",
                    List.of("contoso.com"), "CONNECTED", "admin", NOW, new PartnerUpserted.SignalChannels(NOW, NOW, null))),
            Map.entry(EventType.ACCESS_REQUEST_SUBMITTED, new AccessRequestSubmitted(REQUEST, PACKAGE, 2, "Falcon engineering",
                    new AccessRequestSubmitted.Requester("ann@contoso.com", "contoso-tenant", "sub-42", "Ann"), null, UUID.randomUUID().toString(),
                    "ann@contoso.com", "joining project Falcon", Map.of("manager", "Bob at Contoso"), List.of(), "PENDING_APPROVAL", NOW)),
            Map.entry(EventType.APPROVAL_REQUESTED, new ApprovalRequested(REQUEST, PACKAGE, "Falcon engineering", "ann@contoso.com", null,
                    "owner@example.com", 1, 2, false, true, NOW.plusSeconds(7 * 86_400), "http://127.0.0.1:8082/reviews?request=" + REQUEST, NOW)),
            Map.entry(EventType.ACCESS_REQUEST_DECIDED, new AccessRequestDecided(REQUEST, PACKAGE, "Falcon engineering", "ann@contoso.com", GUEST,
                    List.of("sponsor@example.com"), 2, "APPROVE", "owner@example.com", "works with us on Falcon", "APPROVED",
                    NOW.plusSeconds(90 * 86_400), NOW)),
            Map.entry(EventType.ACCESS_REQUEST_APPROVED, new AccessRequestApproved(REQUEST, PACKAGE, "Falcon engineering",
                    new AccessRequestSubmitted.Requester("ann@contoso.com", null, null, null), GUEST, null, List.of("sponsor@example.com"),
                    List.of(new AccessPackageChanged.PackageResource(RESOURCE, "reader", "owner@example.com", "OWNER")), NOW.plusSeconds(90 * 86_400),
                    "security@example.com", NOW, List.of("owner@example.com", "security@example.com"))),
            Map.entry(EventType.CAMPAIGN_COMPLETED, new CampaignCompleted(CAMPAIGN, DEFINITION, "Q4 partner review", "admin", NOW,
                    new CampaignCompleted.Counts(120, 90, 20, 8, 2), true, false, null)),
            Map.entry(EventType.POLICY_ENFORCEMENT_HELD, new PolicyEnforcementHeld(UUID.randomUUID().toString(), UUID.randomUUID().toString(), 1,
                    "No rival partners", 40, 12, NOW)));

    static List<EventType> typesWithPayload() {
        return EventType.withPayload();
    }

    @ParameterizedTest
    @MethodSource("typesWithPayload")
    void payloadValidatesAgainstItsSchemaAndRoundTrips(EventType type) throws Exception {
        EventPayload sample = SAMPLES.get(type);
        String json = EventJson.write(sample);

        assertEquals(Set.of(), validate(type, EventJson.mapper().readTree(json)), "schema errors for " + type);
        assertEquals(sample, EventJson.read(json, type.payloadType().orElseThrow()));
        assertEquals(type, sample.eventType());
    }

    @ParameterizedTest
    @MethodSource("typesWithPayload")
    void schemaRefusesAPayloadWithoutItsRequiredFields(EventType type) throws Exception {
        ObjectNode json = (ObjectNode) EventJson.mapper().readTree(EventJson.write(SAMPLES.get(type)));
        JsonNode schema = EventJson.mapper().readTree(EventContractTest.class.getResourceAsStream(type.schemaResource()));
        if (!schema.has("required") && schema.has("$ref")) { // a schema that is a shared one under its own name
            schema = EventJson.mapper().readTree(EventContractTest.class.getResourceAsStream("/schemas/" + schema.get("$ref").asText()));
        }
        String required = schema.get("required").get(0).asText();
        json.remove(required);

        assertFalse(validate(type, json).isEmpty(), type + " accepted a payload without " + required);
    }

    @Test
    void everyPayloadHasASample() {
        assertEquals(Set.copyOf(EventType.withPayload()), SAMPLES.keySet());
    }

    @Test
    void ceTypesAreReverseDnsVersionedAndUnique() {
        Set<String> types = Arrays.stream(EventType.values()).map(EventType::ceType).collect(Collectors.toSet());
        assertEquals(EventType.values().length, types.size());
        assertTrue(types.stream().allMatch(t -> t.matches("dev\\.portcullis\\.[a-z]+\\.[a-z-]+\\.v1")), types.toString());
        assertEquals("dev.portcullis.guest.access-revoked.v1", EventType.ACCESS_REVOKED.ceType());
    }

    @Test
    void channelConstantsMatchTheCatalogue() throws Exception {
        for (var field : Topic.Channels.class.getFields()) {
            assertEquals(Topic.valueOf(field.getName()).channel(), field.get(null), field.getName());
        }
        assertEquals("inventory.access.dlq", Topic.INVENTORY_ACCESS.deadLetterTopicName());
    }

    @Test
    void oneEmailRuleForRestAndEveryEventSchema() throws Exception {
        JsonNode rule = EventJson.mapper().readTree(EventContractTest.class.getResourceAsStream("/schemas/email-address.v1.json"));
        assertEquals(EmailAddresses.REGEX, rule.get("pattern").asText());
        assertEquals(EmailAddresses.MAX_LENGTH, rule.get("maxLength").asInt());

        for (String good : List.of("pat@contoso.example", "ann.o'neil+crm@sub.contoso.co.uk", "x@a-b.io")) {
            assertTrue(EmailAddresses.isValid(good), good);
            GuestInvited invited = new GuestInvited(UUID.randomUUID().toString(), good, null, null, "contoso", null, List.of(good), NOW,
                    "admin", null);
            assertEquals(Set.of(), validate(EventType.GUEST_INVITED, EventJson.mapper().readTree(EventJson.write(invited))), good);
        }
        for (String bad : List.of("ann", "ann@localhost", "ann@contoso.", "a b@contoso.com", "ann@contoso.com\u0000", "@contoso.com",
                "ann@-contoso.com", "ann@contoso.c0m")) {
            assertFalse(EmailAddresses.isValid(bad), bad);
            GuestInvited invited = new GuestInvited(UUID.randomUUID().toString(), bad, null, null, "contoso", null, List.of(), NOW, "admin", null);
            assertFalse(validate(EventType.GUEST_INVITED, EventJson.mapper().readTree(EventJson.write(invited))).isEmpty(), bad);
        }
    }

    @Test
    void aPartnerSignalMustNameTheGuestBySubjectOrEmail() throws Exception {
        for (EventType type : List.of(EventType.PARTNER_ACCOUNT_DISABLED, EventType.PARTNER_ACCOUNT_ENABLED, EventType.PARTNER_ACCOUNT_PURGED,
                EventType.PARTNER_CREDENTIAL_COMPROMISED)) {
            for (String nameless : List.of("{\"homeTenantId\":\"contoso\",\"occurredAt\":\"2026-11-30T10:00:00Z\"}",
                    "{\"homeTenantId\":\"contoso\",\"homeSubject\":\"\",\"occurredAt\":\"2026-11-30T10:00:00Z\"}")) {
                assertFalse(validate(type, EventJson.mapper().readTree(nameless)).isEmpty(), type + ": " + nameless);
            }
            assertEquals(Set.of(), validate(type, EventJson.mapper().readTree(
                    "{\"homeTenantId\":\"contoso\",\"email\":\"pat@contoso.example\",\"occurredAt\":\"2026-11-30T10:00:00Z\"}")), type.eventName());
        }
    }

    private static Set<String> validate(EventType type, JsonNode json) {
        return Set.copyOf(EventSchemas.violations(type, json));
    }
}

package dev.portcullis.e2e;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portcullis.events.EventJson;
import dev.portcullis.events.EventSchemas;
import dev.portcullis.events.EventType;
import dev.portcullis.events.GuestBlocked;
import dev.portcullis.events.GuestRemoved;
import dev.portcullis.events.GuestUpdated;
import dev.portcullis.events.Topic;
import dev.portcullis.testsupport.InventoryApi;
import dev.portcullis.testsupport.KafkaTestClient;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A provisioning system with a client-credentials token from Keycloak (client portcullis-scim) provisions a guest over SCIM,
 * renames, deactivates and deletes them; policy-service is asked before the guest is created, and every step is on Kafka as the
 * REST API's would be.
 */
@ExtendWith(Platform.class)
class ScimProvisioningTest {

    private static final String USER = "urn:ietf:params:scim:schemas:core:2.0:User";
    private static final String GUEST = "urn:ietf:params:scim:schemas:extension:portcullis:2.0:Guest";
    private static final String PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

    @Test
    void aGuestProvisionedRenamedDeactivatedAndDeletedOverScimIsEventedLikeOneOfTheRestApi() {
        Platform platform = Platform.get();
        InventoryApi inventory = platform.inventory();
        KafkaTestClient kafka = platform.kafka();
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String tenant = "scim-" + suffix;
        String domain = "scim" + suffix + ".example";
        inventory.createPartner(tenant, domain);
        String resource = inventory.createResource("SCIM app " + suffix, "GENERAL", List.of("owner@example.com"));
        String token = platform.clientToken("SCIM");

        String id = scim(platform, token).body(Map.of("schemas", List.of(USER, GUEST), "userName", "ann@" + domain, "displayName", "Ann",
                        "externalId", "hr-" + suffix, GUEST, Map.of("homeTenantId", tenant, "homeSubject", "sub-" + suffix,
                                "sponsors", List.of("sponsor@example.com"))))
                .post("/scim/v2/Users").then().statusCode(201).body("active", equalTo(true)).extract().path("id");
        inventory.grant(id, resource, "reader");

        scim(platform, token).body(Map.of("schemas", List.of(PATCH), "Operations", List.of(Map.of("op", "replace", "path", "userName",
                "value", "ann.b@" + domain)))).patch("/scim/v2/Users/" + id).then().statusCode(200).body("userName", equalTo("ann.b@" + domain));
        scim(platform, token).body(Map.of("schemas", List.of(PATCH), "Operations", List.of(Map.of("op", "replace", "path", "active",
                "value", false)))).patch("/scim/v2/Users/" + id).then().statusCode(200).body("active", equalTo(false));
        assertEquals(List.of("REVOKED"), inventory.grantStates(id));
        scim(platform, token).delete("/scim/v2/Users/" + id).then().statusCode(204);
        scim(platform, token).get("/scim/v2/Users/" + id).then().statusCode(404);

        List<String> sequence = await().atMost(Duration.ofSeconds(15)).until(() -> guestEvents(kafka, id), s -> s.contains("guest-removed"));
        assertEquals(List.of("guest-invited", "guest-updated", "guest-blocked", "guest-removed"), sequence);
        GuestUpdated updated = EventJson.read(event(kafka, id, EventType.GUEST_UPDATED).value(), GuestUpdated.class);
        assertEquals(List.of("email"), updated.changed());
        assertEquals("ann.b@" + domain, updated.email());
        GuestBlocked blocked = EventJson.read(event(kafka, id, EventType.GUEST_BLOCKED).value(), GuestBlocked.class);
        assertEquals("SCIM", blocked.reason());
        assertEquals(1, blocked.revokedGrants().size());
        assertEquals("SCIM", EventJson.read(event(kafka, id, EventType.GUEST_REMOVED).value(), GuestRemoved.class).reason());
        List<ConsumerRecord<String, String>> revoked = kafka.readAll(Topic.INVENTORY_ACCESS.topicName(), r -> id.equals(r.key())
                && EventType.ACCESS_REVOKED.ceType().equals(KafkaTestClient.header(r, "ce_type")));
        assertEquals(1, revoked.size());
        // the provisioning client's token opens SCIM only
        inventory.as(token).get("/api/v1/guests/" + id).then().statusCode(403);
    }

    private static RequestSpecification scim(Platform platform, String token) {
        return given().baseUri(platform.endpoint("INVENTORY_URL")).auth().oauth2(token).contentType("application/scim+json");
    }

    /** The guest's events on inventory.guests, in order, each valid by its schema. */
    private static List<String> guestEvents(KafkaTestClient kafka, String guestId) {
        return kafka.readAll(Topic.INVENTORY_GUESTS.topicName(), r -> guestId.equals(r.key())).stream().map(r -> {
            EventType type = EventType.ofCeType(KafkaTestClient.header(r, "ce_type")).orElseThrow();
            assertEquals(List.of(), EventSchemas.violations(type, r.value()));
            return type.eventName();
        }).collect(Collectors.toList());
    }

    private static ConsumerRecord<String, String> event(KafkaTestClient kafka, String guestId, EventType type) {
        List<ConsumerRecord<String, String>> records = kafka.readAll(Topic.INVENTORY_GUESTS.topicName(), r -> guestId.equals(r.key())
                && type.ceType().equals(KafkaTestClient.header(r, "ce_type")));
        assertEquals(1, records.size(), type.eventName());
        return records.get(0);
    }
}

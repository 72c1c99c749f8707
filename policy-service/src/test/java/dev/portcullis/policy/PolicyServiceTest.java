package dev.portcullis.policy;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portcullis.events.AccessGranted;
import dev.portcullis.events.AccessRevoked;
import dev.portcullis.events.RevocationReason;
import dev.portcullis.events.ResourceUpserted;
import dev.portcullis.events.Topic;
import dev.portcullis.readmodel.KnownGrant;
import dev.portcullis.readmodel.KnownResource;
import dev.portcullis.testsupport.KafkaResource;
import dev.portcullis.testsupport.KafkaTestClient;
import dev.portcullis.testsupport.PostgresResource;
import dev.portcullis.testsupport.TestTokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
class PolicyServiceTest {

    @Test
    void theReadModelDropsARevokedGrantFromTheGuestsActiveAccess() {
        KafkaTestClient kafka = new KafkaTestClient(KafkaResource.bootstrapServers());
        UUID guest = UUID.randomUUID();
        String kept = UUID.randomUUID().toString();
        String revoked = UUID.randomUUID().toString();
        String resource = UUID.randomUUID().toString();
        kafka.publish(new AccessGranted(kept, guest.toString(), resource, "reader", Instant.now(), null, "admin", null));
        kafka.publish(new AccessGranted(revoked, guest.toString(), resource, "writer", Instant.now(), null, "admin", null));
        await().atMost(Duration.ofSeconds(15)).until(() -> activeGrants(guest).size() == 2);

        kafka.publish(new AccessRevoked(revoked, guest.toString(), resource, "CRM", List.of("o@example.com"), "writer",
                RevocationReason.PARTNER_ACCOUNT_DISABLED, "signal", Instant.now(), "partner"));

        await().atMost(Duration.ofSeconds(15)).until(() -> activeGrants(guest).equals(List.of(UUID.fromString(kept))));
    }

    @Test
    void theReadModelLearnsAGrantFromItsRevocationAndKeepsOwnersAsAddresses() {
        KafkaTestClient kafka = new KafkaTestClient(KafkaResource.bootstrapServers());
        UUID guest = UUID.randomUUID();
        String unseen = UUID.randomUUID().toString();
        String resource = UUID.randomUUID().toString();
        kafka.publish(new ResourceUpserted(resource, "CRM", "APPLICATION", "CONFIDENTIAL", null,
                List.of("Owner.One@contoso.example", "owner2@contoso.example"), "admin", "created"));
        kafka.publish(new AccessRevoked(unseen, guest.toString(), resource, "CRM", List.of("owner.one@contoso.example"), "writer",
                RevocationReason.PARTNER_ACCOUNT_DISABLED, "signal", Instant.now(), "partner"));

        KnownGrant learnt = await().atMost(Duration.ofSeconds(15)).until(
                () -> QuarkusTransaction.requiringNew().call(() -> KnownGrant.<KnownGrant>findById(UUID.fromString(unseen))), g -> g != null);
        assertEquals(KnownGrant.REVOKED, learnt.state);
        assertEquals("writer", learnt.role);
        assertEquals(guest, learnt.guestId);
        Set<String> owners = await().atMost(Duration.ofSeconds(15)).until(() -> QuarkusTransaction.requiringNew().call(
                () -> KnownResource.<KnownResource>findByIdOptional(UUID.fromString(resource)).map(r -> Set.copyOf(r.owners)).orElse(Set.of())),
                o -> !o.isEmpty());
        assertEquals(Set.of("owner.one@contoso.example", "owner2@contoso.example"), owners);
        assertEquals(List.of(), kafka.readAll(Topic.INVENTORY_ACCESS.deadLetterTopicName()));
    }

    @Test
    void scenariosAreCreatedByAdminsAndReadByAuditors() {
        String id = given().auth().oauth2(TestTokens.admin()).contentType(ContentType.JSON)
                .body("{\"name\": \"Falcon " + UUID.randomUUID() + "\", \"controlModel\": \"DELEGATED\"}")
                .post("/api/v1/scenarios").then().statusCode(201).body("controlModel", equalTo("DELEGATED")).extract().path("id");
        String createdBy = given().auth().oauth2(TestTokens.auditor()).get("/api/v1/scenarios/" + id).then().statusCode(200).extract().path("createdBy");
        // the SOC's feed tells who created it
        KafkaTestClient kafka = new KafkaTestClient(KafkaResource.bootstrapServers());
        com.fasterxml.jackson.databind.JsonNode created = await().atMost(java.time.Duration.ofSeconds(10)).until(() -> kafka.ocsfRecords(id),
                f -> !f.isEmpty()).get(0);
        assertEquals(300401L, created.path("type_uid").asLong());
        assertEquals("Scenario", created.at("/entity/type").asText());
        assertEquals("DELEGATED", created.at("/entity/data/controlModel").asText());
        assertEquals(createdBy, created.at("/actor/user/name").asText());
    }

    @Test
    void badScenarioCallsAreRefusedAndChangeNothing() {
        int before = scenarioCount();
        given().contentType(ContentType.JSON).body("{}").post("/api/v1/scenarios").then().statusCode(401);
        given().auth().oauth2(TestTokens.auditor()).contentType(ContentType.JSON).body("{\"name\": \"x\", \"controlModel\": \"DELEGATED\"}")
                .post("/api/v1/scenarios").then().statusCode(403);
        given().auth().oauth2(TestTokens.admin()).contentType(ContentType.JSON).body("{\"name\": \"x\", \"controlModel\": \"ANARCHY\"}")
                .post("/api/v1/scenarios").then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("controlModel"));
        given().get("/api/v1/scenarios").then().statusCode(401);
        given().auth().oauth2(TestTokens.signal()).get("/api/v1/scenarios").then().statusCode(403);
        given().auth().oauth2(TestTokens.owner("o@example.com")).get("/api/v1/scenarios/" + UUID.randomUUID()).then().statusCode(403);
        given().get("/api/v1/scenarios/" + UUID.randomUUID()).then().statusCode(401);
        assertEquals(before, scenarioCount());
    }

    private int scenarioCount() {
        return given().auth().oauth2(TestTokens.admin()).queryParam("limit", 500).get("/api/v1/scenarios").then().statusCode(200)
                .extract().path("items.size()");
    }

    private static List<UUID> activeGrants(UUID guest) {
        return QuarkusTransaction.requiringNew().call(() -> KnownGrant.activeOf(guest).stream().map(g -> g.grantId).toList());
    }
}

package dev.portcullis.inventory;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portcullis.events.EventJson;
import dev.portcullis.events.EventType;
import dev.portcullis.events.ResourceUpserted;
import dev.portcullis.events.Topic;
import dev.portcullis.testsupport.InventoryApi;
import dev.portcullis.testsupport.KafkaResource;
import dev.portcullis.testsupport.KafkaTestClient;
import dev.portcullis.testsupport.PostgresResource;
import dev.portcullis.testsupport.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A resource changed with PATCH, and an invitation whose home tenant and email domain name two different partners. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
class ResourceAndInviteTest {

    @TestHTTPResource("/")
    URL baseUrl;

    InventoryApi api;
    KafkaTestClient kafka;

    @BeforeEach
    void setUp() {
        api = new InventoryApi(baseUrl.toString(), TestTokens::admin, TestTokens::signal);
        kafka = new KafkaTestClient(KafkaResource.bootstrapServers());
    }

    @Test
    void aResourceChangeKeepsWhatIsAbsentAndPublishesResourceUpserted() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String resource = api.createResource("Ledger " + suffix, "GENERAL", List.of("owner1@example.com"));

        api.as(TestTokens.admin()).body(Map.of("sensitivity", "HIGHLY_CONFIDENTIAL", "owners", List.of("Owner2@example.com", "owner3@example.com")))
                .patch("/api/v1/resources/" + resource).then().statusCode(200)
                .body("name", equalTo("Ledger " + suffix)).body("sensitivity", equalTo("HIGHLY_CONFIDENTIAL")).body("type", equalTo("APPLICATION"));
        ResourceUpserted upserted = EventJson.read(await().atMost(Duration.ofSeconds(10)).until(() -> kafka.readAll(Topic.INVENTORY_RESOURCES.topicName(),
                r -> resource.equals(r.key()) && EventType.RESOURCE_UPSERTED.ceType().equals(KafkaTestClient.header(r, "ce_type"))), r -> r.size() == 2)
                .get(1).value(), ResourceUpserted.class);
        assertEquals("HIGHLY_CONFIDENTIAL", upserted.sensitivity());
        assertEquals(List.of("owner2@example.com", "owner3@example.com"), upserted.owners().stream().sorted().toList());

        api.as(TestTokens.admin()).body(Map.of("owners", List.of())).patch("/api/v1/resources/" + resource).then().statusCode(400)
                .body("errors[0].field", equalTo("owners"));
        api.as(TestTokens.admin()).body(Map.of("sensitivity", "SECRETISH")).patch("/api/v1/resources/" + resource).then().statusCode(400)
                .body("errors[0].field", equalTo("sensitivity"));
        String other = api.createResource("Other " + suffix, "GENERAL", List.of("owner1@example.com"));
        api.as(TestTokens.admin()).body(Map.of("name", "other " + suffix)).patch("/api/v1/resources/" + resource).then().statusCode(409);
        api.as(TestTokens.admin()).body(Map.of("name", "x")).patch("/api/v1/resources/" + UUID.randomUUID()).then().statusCode(404);
        api.as(TestTokens.admin()).get("/api/v1/resources/" + resource).then().body("name", equalTo("Ledger " + suffix))
                .body("sensitivity", equalTo("HIGHLY_CONFIDENTIAL"));
        api.as(TestTokens.admin()).get("/api/v1/resources/" + other).then().body("name", equalTo("Other " + suffix));
    }

    @Test
    void anInvitationWhoseTenantAndDomainNameTwoPartnersIsA400AndCreatesNothing() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        api.createPartner("tenant-a-" + suffix, "a" + suffix + ".com");
        String partnerB = api.createPartner("tenant-b-" + suffix, "b" + suffix + ".com");

        api.as(TestTokens.admin()).body(Map.of("email", "eve@b" + suffix + ".com", "homeTenantId", "tenant-a-" + suffix, "homeSubject", "eve",
                "sponsors", List.of("sponsor@example.com"))).post("/api/v1/guests").then().statusCode(400).body("errors[0].field", equalTo("email"));
        api.as(TestTokens.admin()).queryParam("q", "eve@b" + suffix).get("/api/v1/guests").then().body("items.size()", equalTo(0));

        // a tenant nobody configured, with a known partner's domain: matched by the domain
        String guest = api.inviteGuest("fay@b" + suffix + ".com", "tenant-unknown-" + suffix, "fay", List.of("sponsor@example.com"));
        api.as(TestTokens.admin()).get("/api/v1/guests/" + guest).then().body("partnerId", equalTo(partnerB));
    }
}

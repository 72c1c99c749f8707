package dev.portcullis.inventory;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portcullis.testsupport.InventoryApi;
import dev.portcullis.testsupport.KafkaResource;
import dev.portcullis.testsupport.PostgresResource;
import dev.portcullis.testsupport.TestTokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The audit trail: who, when, what and why for every change, a chain that shows tampering, and erasure that leaves it intact. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
class AuditTrailTest {

    @TestHTTPResource("/")
    URL baseUrl;

    @Inject
    EntityManager em;

    InventoryApi api;
    String suffix;
    String tenant;
    String domain;

    @BeforeEach
    void setUp() {
        api = new InventoryApi(baseUrl.toString(), TestTokens::admin, TestTokens::signal);
        suffix = UUID.randomUUID().toString().substring(0, 8);
        tenant = "tenant-" + suffix;
        domain = "org" + suffix + ".com";
        api.createPartner(tenant, domain);
    }

    @Test
    void everyChangeOfAGuestIsRecordedWithWhoWhatWhyAndTheRequestsCorrelationId() {
        String resource = api.twoResources().get(0);
        String guest = api.inviteGuest("ann@" + domain, tenant, "ann-" + suffix, List.of("sponsor@example.com"));
        String grant = api.grant(guest, resource, "reader");
        api.as(TestTokens.admin()).header("X-Correlation-Id", "change-4711-" + suffix).body(Map.of("reason", "left the project"))
                .delete("/api/v1/grants/" + grant).then().statusCode(200).header("X-Correlation-Id", "change-4711-" + suffix);

        JsonPath trail = api.as(TestTokens.auditor()).queryParam("guestId", guest).get("/api/v1/audit").then().statusCode(200).extract().jsonPath();
        assertEquals(List.of("GUEST_INVITED", "GRANT_CREATED", "GRANT_REVOKED"), trail.getList("items.action"));
        assertEquals("ann@" + domain, trail.getString("items[0].personal.email"));
        assertEquals("ann-" + suffix, trail.getString("items[0].personal.homeSubject"));
        assertEquals(List.of("sponsor@example.com"), trail.getList("items[0].details.sponsors"));
        assertEquals("MANUAL", trail.getString("items[2].reason"));
        assertEquals("left the project", trail.getString("items[2].details.note"));
        assertEquals("change-4711-" + suffix, trail.getString("items[2].correlationId"));
        assertEquals(grant, trail.getString("items[2].targetId"));
        assertEquals(resource, trail.getString("items[2].resourceId"));
        trail.getList("items.actor").forEach(actor -> assertEquals("admin", actor));
        api.as(TestTokens.auditor()).queryParam("resourceId", resource).get("/api/v1/audit").then()
                .body("items.action", equalTo(List.of("RESOURCE_CREATED", "GRANT_CREATED", "GRANT_REVOKED")));
        api.as(TestTokens.auditor()).queryParam("guestId", guest).queryParam("from", "yesterday").get("/api/v1/audit").then().statusCode(400)
                .body("errors[0].field", equalTo("from"));
        api.as(TestTokens.auditor()).queryParam("guestId", guest).queryParam("to", Instant.now().minusSeconds(3600).toString()).get("/api/v1/audit")
                .then().body("items.size()", equalTo(0));
    }

    @Test
    void aRowAlteredInTheDatabaseBreaksTheChainWhereItWasAltered() {
        String guest = api.inviteGuest("bob@" + domain, tenant, "bob-" + suffix, List.of("sponsor@example.com"));
        api.as(TestTokens.admin()).body(Map.of("reason", "suspicious")).post("/api/v1/guests/" + guest + "/block").then().statusCode(200);
        awaitChained();
        api.as(TestTokens.auditor()).get("/api/v1/audit/verify").then().statusCode(200).body("intact", equalTo(true));
        long blockedSeq = api.as(TestTokens.auditor()).queryParam("guestId", guest).get("/api/v1/audit").then().extract()
                .jsonPath().getLong("items.find { it.action == 'GUEST_BLOCKED' }.seq");
        long chainSeq = api.as(TestTokens.auditor()).queryParam("guestId", guest).get("/api/v1/audit").then().extract()
                .jsonPath().getLong("items.find { it.action == 'GUEST_BLOCKED' }.chainSeq");

        // someone with database access rewrites who blocked the guest
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("update audit_record set actor = 'nobody' where seq = ?1")
                .setParameter(1, blockedSeq).executeUpdate());
        try {
            api.as(TestTokens.auditor()).get("/api/v1/audit/verify").then().statusCode(200)
                    .body("intact", equalTo(false)).body("firstBrokenAt", equalTo((int) chainSeq)).body("firstBrokenSeq", equalTo((int) blockedSeq))
                    .body("problem", equalTo("its content does not match its hash"));
        } finally {
            QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("update audit_record set actor = 'admin' where seq = ?1")
                    .setParameter(1, blockedSeq).executeUpdate());
        }
        api.as(TestTokens.auditor()).get("/api/v1/audit/verify").then().body("intact", equalTo(true));
    }

    @Test
    void removingAGuestErasesTheirPersonalDataEverywhereAndTheChainStillHolds() {
        String guest = api.inviteGuest("cy@" + domain, tenant, "cy-" + suffix, List.of("sponsor@example.com"));
        api.as(TestTokens.admin()).body(Map.of("reason", "contract ended")).delete("/api/v1/guests/" + guest).then().statusCode(200);
        awaitChained();

        api.as(TestTokens.auditor()).queryParam("guestId", guest).get("/api/v1/audit").then()
                .body("items.action", equalTo(List.of("GUEST_INVITED", "GUEST_REMOVED")))
                .body("items.personal", everyItem(equalTo(null))).body("items.personalErased", everyItem(equalTo(true)))
                .body("items.hash", everyItem(notNullValue()));
        api.as(TestTokens.admin()).get("/api/v1/guests/" + guest).then().body("state", equalTo("REMOVED"))
                .body("email", equalTo(guest + "@erased.invalid")).body("displayName", equalTo(null)).body("homeSubject", equalTo(null));
        api.as(TestTokens.auditor()).get("/api/v1/audit/verify").then().body("intact", equalTo(true));
        // the address is free again: the person can be invited anew, as a new guest
        api.inviteGuest("cy@" + domain, tenant, "cy-" + suffix, List.of("sponsor@example.com"));
    }

    private void awaitChained() {
        await().atMost(Duration.ofSeconds(10)).until(() -> api.as(TestTokens.auditor()).get("/api/v1/audit/verify").then().extract()
                .jsonPath().getLong("pending") == 0);
    }
}

package dev.portcullis.inventory;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portcullis.events.GuestRemoved;
import dev.portcullis.testsupport.InventoryApi;
import dev.portcullis.testsupport.PersonalDataScan;
import dev.portcullis.testsupport.KafkaResource;
import dev.portcullis.testsupport.PostgresResource;
import dev.portcullis.testsupport.TestTokens;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Idempotency-Key: a repeat returns the first result and changes nothing; the same key on another request is refused. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
class IdempotencyKeyTest {

    @TestHTTPResource("/")
    URL baseUrl;

    @Inject
    AgroalDataSource dataSource;

    InventoryApi api;
    String guest;
    String resource;

    @BeforeEach
    void setUp() {
        api = new InventoryApi(baseUrl.toString(), TestTokens::admin, TestTokens::signal);
        guest = api.guestWithGrants(api.twoResources(), 0, "sponsor@example.com").id();
        resource = api.twoResources().get(1);
    }

    @Test
    void aRepeatedGrantReturnsTheFirstResultAndGrantsOnce() {
        String key = "grant-" + UUID.randomUUID();
        Response first = grant(TestTokens.admin(), key, "reader");
        first.then().statusCode(201);
        Response repeat = grant(TestTokens.admin(), key, "reader");
        repeat.then().statusCode(201).header("Idempotency-Replayed", "true").body("id", equalTo(first.path("id")))
                .header("Location", equalTo(first.header("Location")));
        assertEquals(List.of("ACTIVE"), api.grantStates(guest), "one grant");

        // the same key on another request: refused, nothing granted
        grant(TestTokens.admin(), key, "editor").then().statusCode(422).body("errors[0].field", equalTo("Idempotency-Key"));
        assertEquals(List.of("ACTIVE"), api.grantStates(guest));

        // another caller's key is its own
        grant(TestTokens.withRole("second-admin", TestTokens.ADMIN), key, "reader").then().statusCode(201).body("id", not(equalTo(first.path("id"))));
        assertEquals(List.of("ACTIVE", "ACTIVE"), api.grantStates(guest));
    }

    @Test
    void aRepeatedRevocationReturnsItsFirstAnswerNotA409() {
        String grant = api.grant(guest, resource, "reader");
        String key = "revoke-" + UUID.randomUUID();
        api.as(TestTokens.admin()).header("Idempotency-Key", key).body(Map.of("reason", "done")).delete("/api/v1/grants/" + grant)
                .then().statusCode(200).body("state", equalTo("REVOKED"));
        api.as(TestTokens.admin()).header("Idempotency-Key", key).body(Map.of("reason", "done")).delete("/api/v1/grants/" + grant)
                .then().statusCode(200).header("Idempotency-Replayed", "true").body("state", equalTo("REVOKED"));
        // without the key, the repeat is what it is: a revocation of a revoked grant
        api.as(TestTokens.admin()).body(Map.of("reason", "done")).delete("/api/v1/grants/" + grant).then().statusCode(409);
    }

    @Test
    void aMalformedKeyIsA400AndChangesNothing() {
        grant(TestTokens.admin(), "no spaces allowed", "reader").then().statusCode(400).body("errors[0].field", equalTo("Idempotency-Key"));
        assertEquals(List.of(), api.grantStates(guest));
    }

    /** A removed guest's address leaves the answers kept for repeats: a repeat of their invitation replays it with the placeholder. */
    @Test
    void aRemovedGuestsAddressLeavesTheAnswersKeptForRepeats() throws Exception {
        String email = "kept-" + UUID.randomUUID().toString().substring(0, 8) + "@partner.example";
        String key = "invite-" + UUID.randomUUID();
        Map<String, Object> invitation = Map.of("email", email, "displayName", "Kept", "homeTenantId", "tenant-kept", "homeSubject", "kept",
                "sponsors", List.of("sponsor@example.com"));
        String id = api.as(TestTokens.admin()).header("Idempotency-Key", key).body(invitation).post("/api/v1/guests").then().statusCode(201)
                .extract().path("id");
        assertEquals(List.of("idempotency_key.body (1 rows)"), PersonalDataScan.holding(dataSource, email).stream()
                .filter(c -> c.startsWith("idempotency_key")).toList());

        api.as(TestTokens.admin()).body(Map.of("reason", "left")).delete("/api/v1/guests/" + id).then().statusCode(200);
        // its own guest-removed names the address until the relay has published it
        await().atMost(Duration.ofSeconds(10)).until(() -> PersonalDataScan.holding(dataSource, email), List::isEmpty);
        api.as(TestTokens.admin()).header("Idempotency-Key", key).body(invitation).post("/api/v1/guests").then().statusCode(201)
                .header("Idempotency-Replayed", "true").body("id", equalTo(id)).body("email", equalTo(GuestRemoved.erasedEmail(id)));
    }

    private Response grant(String token, String key, String role) {
        return api.as(token).header("Idempotency-Key", key)
                .body(Map.of("guestId", guest, "resourceId", resource, "role", role, "justification", "project work")).post("/api/v1/grants");
    }
}

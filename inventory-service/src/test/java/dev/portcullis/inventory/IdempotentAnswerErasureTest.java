package dev.portcullis.inventory;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
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
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The answers kept for Idempotency-Key repeats hold personal data too, and a guest's removal erases it there (backbone's
 * {@code IdempotencyKeyTest} tests the keys themselves).
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
class IdempotentAnswerErasureTest {

    @TestHTTPResource("/")
    URL baseUrl;

    @Inject
    AgroalDataSource dataSource;

    InventoryApi api;

    @BeforeEach
    void setUp() {
        api = new InventoryApi(baseUrl.toString(), TestTokens::admin, TestTokens::signal);
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
}

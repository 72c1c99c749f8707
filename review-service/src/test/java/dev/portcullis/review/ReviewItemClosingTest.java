package dev.portcullis.review;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import dev.portcullis.events.AccessGranted;
import dev.portcullis.events.AccessRevoked;
import dev.portcullis.events.RevocationReason;
import dev.portcullis.readmodel.KnownGrant;
import dev.portcullis.review.service.ReviewItems;
import dev.portcullis.testsupport.KafkaResource;
import dev.portcullis.testsupport.KafkaTestClient;
import dev.portcullis.testsupport.PostgresResource;
import dev.portcullis.testsupport.TestTokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** review-service builds its read model from inventory's topics and closes the open items of a revoked grant. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
class ReviewItemClosingTest {

    private static final String OWNER = "owner-" + UUID.randomUUID() + "@example.com";

    @Inject
    ReviewItems items;

    @Test
    void anOpenItemClosesWhenItsGrantIsRevoked() {
        KafkaTestClient kafka = new KafkaTestClient(KafkaResource.bootstrapServers());
        String guest = UUID.randomUUID().toString();
        String grant = UUID.randomUUID().toString();
        String resource = UUID.randomUUID().toString();
        kafka.publish(new AccessGranted(grant, guest, resource, "reader", Instant.now(), null, "admin", "project"));
        await().atMost(Duration.ofSeconds(15)).until(() -> QuarkusTransaction.requiringNew().call(() -> KnownGrant.findById(UUID.fromString(grant)) != null));
        items.open(UUID.fromString(grant), OWNER);
        myItems().body("items.size()", equalTo(1)).body("items[0].grantId", equalTo(grant));

        AccessRevoked revoked = new AccessRevoked(grant, guest, resource, "CRM", List.of(OWNER), "reader",
                RevocationReason.PARTNER_ACCOUNT_DISABLED, "signal-1", Instant.now(), "partner");
        // what an operator searching the logs for this guest finds: the consumer's lines name it in their MDC
        List<String> guestsOfClosingLines = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                if (record instanceof org.jboss.logmanager.ExtLogRecord ext && ext.getFormattedMessage().contains("grant=" + grant)) {
                    guestsOfClosingLines.add(String.valueOf(ext.getMdc("guestId")));
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(ReviewItems.class.getName());
        logger.addHandler(capture);
        try {
            kafka.publish(revoked);
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> myItems().body("items.size()", equalTo(0)));
        } finally {
            logger.removeHandler(capture);
        }
        org.junit.jupiter.api.Assertions.assertEquals(List.of(guest), guestsOfClosingLines, "the closing line carries guestId in its MDC");
        String state = QuarkusTransaction.requiringNew().call(() -> KnownGrant.<KnownGrant>findById(UUID.fromString(grant)).state);
        org.junit.jupiter.api.Assertions.assertEquals(KnownGrant.REVOKED, state);
    }

    @Test
    void myItemsNeedsATokenAndAnOwnerOrAdminRole() {
        given().get("/api/v1/my/review-items").then().statusCode(401);
        given().auth().oauth2(TestTokens.signal()).get("/api/v1/my/review-items").then().statusCode(403);
        given().auth().oauth2(TestTokens.auditor()).get("/api/v1/my/review-items").then().statusCode(403);
    }

    private io.restassured.response.ValidatableResponse myItems() {
        return given().auth().oauth2(TestTokens.owner(OWNER)).get("/api/v1/my/review-items").then().statusCode(200);
    }
}

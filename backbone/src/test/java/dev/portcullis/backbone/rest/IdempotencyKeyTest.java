package dev.portcullis.backbone.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portcullis.testsupport.KafkaResource;
import dev.portcullis.testsupport.PostgresResource;
import dev.portcullis.testsupport.TestTokens;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.net.URL;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Idempotency-Key, on every mutating request of every service (here backbone's test application's notes): a repeat returns the
 * first result and changes nothing; the same key on another request is refused; each caller's keys are its own.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
class IdempotencyKeyTest {

    @TestHTTPResource("/")
    URL baseUrl;

    @Inject
    AgroalDataSource dataSource;

    @Test
    void aRepeatedCreateReturnsTheFirstResultAndCreatesOnce() throws Exception {
        String key = "note-" + UUID.randomUUID();
        String text = "note " + UUID.randomUUID();
        Response first = create(TestTokens.admin(), key, text);
        first.then().statusCode(201);
        Response repeat = create(TestTokens.admin(), key, text);
        repeat.then().statusCode(201).header("Idempotency-Replayed", "true").body("id", equalTo(first.path("id")))
                .header("Location", equalTo(first.header("Location")));
        assertEquals(1, notes(text), "one note");

        // the same key on another request: refused, nothing made
        create(TestTokens.admin(), key, text + " changed").then().statusCode(422).body("errors[0].field", equalTo("Idempotency-Key"));
        assertEquals(0, notes(text + " changed"));

        // another caller's key is its own
        create(TestTokens.withRole("second-admin", TestTokens.ADMIN), key, text).then().statusCode(201).body("id", not(equalTo(first.path("id"))));
        assertEquals(2, notes(text));
    }

    @Test
    void aRepeatedDeleteReturnsItsFirstAnswerNotA409() {
        String id = create(TestTokens.admin(), null, "to delete").then().statusCode(201).extract().path("id");
        String key = "delete-" + UUID.randomUUID();
        as(TestTokens.admin()).header("Idempotency-Key", key).delete("/api/v1/test-notes/" + id).then().statusCode(200)
                .body("text", equalTo("to delete"));
        as(TestTokens.admin()).header("Idempotency-Key", key).delete("/api/v1/test-notes/" + id).then().statusCode(200)
                .header("Idempotency-Replayed", "true").body("text", equalTo("to delete"));
        // without the key, the repeat is what it is: a delete of what is gone
        as(TestTokens.admin()).delete("/api/v1/test-notes/" + id).then().statusCode(409);
    }

    @Test
    void aMalformedKeyIsA400AndChangesNothing() throws Exception {
        String text = "note " + UUID.randomUUID();
        create(TestTokens.admin(), "no spaces allowed", text).then().statusCode(400).body("errors[0].field", equalTo("Idempotency-Key"));
        assertEquals(0, notes(text));
    }

    private Response create(String token, String key, String text) {
        RequestSpecification request = as(token).body(Map.of("text", text));
        return (key == null ? request : request.header("Idempotency-Key", key)).post("/api/v1/test-notes");
    }

    private RequestSpecification as(String token) {
        return given().baseUri(baseUrl.toString()).auth().oauth2(token).contentType("application/json");
    }

    private long notes(String text) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement("select count(*) from test_note where text = ?")) {
            s.setString(1, text);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }
}

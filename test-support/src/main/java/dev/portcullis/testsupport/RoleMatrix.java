package dev.portcullis.testsupport;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.http.ContentType;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;

/**
 * Every endpoint of a service against every role: a service's guard test lists its endpoints with the
 * roles each lets in, and this checks that those roles pass the gate (never 401 or 403) and every
 * other role meets a 403 problem document. Bodies are empty and ids unknown, so a role let in meets
 * a 2xx, 400, 404, 409 or 415, never a change.
 */
public final class RoleMatrix {

    public record Endpoint(String method, String path, Set<String> roles) {
    }

    /** A token of each role, as the platform issues them (an owner has an email, a signal client its client id). */
    private static final Map<String, Supplier<String>> TOKENS = Map.of(TestTokens.ADMIN, TestTokens::admin,
            TestTokens.OWNER, () -> TestTokens.owner("owner@example.com"), TestTokens.AUDITOR, TestTokens::auditor, TestTokens.SIGNAL, TestTokens::signal,
            TestTokens.GUEST, () -> TestTokens.guest("pat@partner.example"), TestTokens.SCIM, TestTokens::scim,
            TestTokens.SSF_RECEIVER, () -> TestTokens.ssfReceiver("an-application"));

    private RoleMatrix() {
    }

    public static Endpoint endpoint(String method, String path, String... roles) {
        return new Endpoint(method, path, Set.of(roles));
    }

    /** One test per endpoint without a token (401), and one per endpoint and role (let in, or 403). */
    public static Stream<DynamicTest> tests(List<Endpoint> endpoints) {
        Stream<DynamicTest> anonymous = endpoints.stream().map(e -> DynamicTest.dynamicTest(e.method() + " " + e.path() + " without a token is 401",
                () -> withoutToken(e.method(), e.path())));
        Stream<DynamicTest> roles = endpoints.stream().flatMap(e -> TOKENS.keySet().stream().sorted().map(role -> {
            boolean letIn = e.roles().contains(role);
            return DynamicTest.dynamicTest(e.method() + " " + e.path() + " as " + role + (letIn ? " is let in" : " is 403"),
                    () -> asRole(e.method(), e.path(), role, letIn));
        }));
        return Stream.concat(anonymous, roles);
    }

    static void withoutToken(String method, String path) {
        given().contentType(ContentType.JSON).body("{}").request(method, path).then().statusCode(401);
    }

    static void asRole(String method, String path, String role, boolean letIn) {
        var response = given().auth().oauth2(TOKENS.get(role).get()).contentType(ContentType.JSON).body("{}").request(method, path).then();
        if (letIn) {
            int status = response.extract().statusCode();
            assertTrue(status != 401 && status != 403 && status < 500, method + " " + path + " as " + role + " answered " + status);
        } else {
            // under /scim/ a refusal is a SCIM error document (RFC 7644 §3.12), its status a string
            boolean scim = path.startsWith("/scim/");
            response.statusCode(403).contentType(scim ? "application/scim+json" : "application/problem+json").body("status", scim ? equalTo("403") : equalTo(403));
        }
    }
}

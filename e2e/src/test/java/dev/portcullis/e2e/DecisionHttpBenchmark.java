package dev.portcullis.e2e;

import static io.restassured.RestAssured.given;

import dev.portcullis.testsupport.OpenLoopLoad;
import io.restassured.http.ContentType;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Not a test (its name keeps it out of {@code mvn verify}): AuthZEN decisions over HTTP against one
 * policy-service instance of the running platform, from a loopback load generator at a fixed rate
 * (open loop: a request is sent every 1/rate s whether or not earlier ones have answered, and its
 * latency counts from when it was due, so a stall is not hidden). 22 policies in force, 2 of them CEL
 * conditions, over the request's guest. -Dbenchmark.rates (500,1000,2000 per s, one after the other,
 * after 10 s of warm-up at the first), -Dbenchmark.seconds (30 each), -Dbenchmark.connections (16
 * keep-alive connections, {@link OpenLoopLoad}). Prints p50, p99, p99.9 and errors (a request
 * unanswered after 10 s is one). Run: see docs/benchmarks.md.
 */
@ExtendWith(Platform.class)
class DecisionHttpBenchmark {

    private static final List<Integer> RATES = java.util.Arrays.stream(System.getProperty("benchmark.rates", "500,1000,2000").split(","))
            .map(String::trim).map(Integer::valueOf).toList();
    private static final int SECONDS = Integer.getInteger("benchmark.seconds", 30);
    private static final int CONNECTIONS = Integer.getInteger("benchmark.connections", 16);

    @Test
    void run() throws Exception {
        Platform platform = Platform.get();
        String admin = platform.userToken("admin");
        String pdpUrl = platform.urls("policy").get(0);
        String partner = UUID.randomUUID().toString();
        for (int i = 0; i < 20; i++) {
            given().baseUri(pdpUrl).auth().oauth2(admin).contentType(ContentType.JSON).body(Map.of("name", "bench " + i + " " + partner, "mode", "ENFORCE",
                    "scope", Map.of("partnerIds", List.of(partner)), "rule", Map.of("type", "PARTNER_DOMAINS", "blockDomains", List.of("rival" + i + ".example"))))
                    .post("/api/v1/policies").then().statusCode(201);
        }
        for (String expression : List.of("subject.domain != 'banned.example'", "!has(subject.inactiveDays) || subject.inactiveDays < 365")) {
            given().baseUri(pdpUrl).auth().oauth2(admin).contentType(ContentType.JSON).body(Map.of("name", "bench cel " + expression.length() + " " + partner,
                    "mode", "ENFORCE", "scope", Map.of("partnerIds", List.of(partner)),
                    "rule", Map.of("type", "CONDITION", "expression", expression, "message", "no"))).post("/api/v1/policies").then().statusCode(201);
        }
        String token = given().formParam("grant_type", "client_credentials").formParam("client_id", "portcullis-pdp")
                .formParam("client_secret", "portcullis-pdp-secret").post(platform.endpoint("KEYCLOAK_TOKEN_URL")).then().statusCode(200)
                .extract().path("access_token");
        String body = "{\"subject\":{\"type\":\"guest\",\"id\":\"%s\",\"properties\":{\"email\":\"ann%d@contoso.example\",\"partnerId\":\"" + partner
                + "\",\"sponsors\":[\"s@corp.example\"],\"inactiveDays\":%d}},\"action\":{\"name\":\"grant\"},"
                + "\"resource\":{\"type\":\"resource\",\"id\":\"%s\",\"properties\":{\"sensitivity\":\"GENERAL\"}},"
                + "\"context\":{\"requester\":{\"id\":\"admin@corp.example\",\"roles\":[\"portcullis-admin\"]}}}";
        URI uri = URI.create(pdpUrl + "/access/v1/evaluation");
        java.util.function.IntFunction<String> request = i -> String.format(body, UUID.randomUUID(), i, i % 400, UUID.randomUUID());
        System.out.println(OpenLoopLoad.post(uri, token, request, RATES.get(0), 10, CONNECTIONS).summary("decisions over HTTP, warm-up", RATES.get(0)));
        for (int rate : RATES) {
            System.out.println(OpenLoopLoad.post(uri, token, request, rate, SECONDS, CONNECTIONS).summary("decisions over HTTP, measured", rate));
        }
    }
}

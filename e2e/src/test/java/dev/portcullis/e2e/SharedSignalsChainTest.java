package dev.portcullis.e2e;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.testsupport.InventoryApi;
import dev.portcullis.testsupport.SsfReceiver;
import dev.portcullis.testsupport.SsfTransmitter;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import dev.portcullis.testsupport.DeclaredBody;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A partner's identity provider, as a Shared Signals transmitter (a test one: it serves its ssf-configuration and JWKS and signs
 * with its own key), pushes a RISC account-disabled SET: every grant of the guest ends before the push is answered, and the rest of
 * the chain (events, mails) follows as for a REST signal; and our own transmitter tells the organization's application (its push
 * stream) to end the guest's sessions.
 */
@ExtendWith(Platform.class)
class SharedSignalsChainTest {

    private static final String AUDIENCE = "https://portcullis.example.com/ssf/e2e";

    @Test
    void aRiscAccountDisabledPushedByThePartnersTransmitterEndsEveryGrantAndRunsTheChain() throws Exception {
        Platform platform = Platform.get();
        InventoryApi inventory = platform.inventory();
        Chain chain = Chain.create(platform, 4);
        String admin = platform.userToken("admin");
        String partnerId = inventory.as(admin).get("/api/v1/guests/" + chain.guest().id()).then().statusCode(200).extract().path("partnerId");
        // one of the organization's applications takes our CAEP events on a push stream of its own
        String app = platform.clientToken("SSF_RECEIVER");
        String issuer = given().get(platform.endpoint("SSF_CONFIGURATION_URL")).then().statusCode(200).extract().path("issuer");
        try (SsfTransmitter transmitter = new SsfTransmitter(); SsfReceiver application = new SsfReceiver()) {
            String stream = given().baseUri(issuer).auth().oauth2(app).contentType(ContentType.JSON).body(Map.of("delivery", Map.of("method",
                    "urn:ietf:rfc:8935", "endpoint_url", application.endpoint), "events_requested", List.of(SsfTransmitter.CAEP + "session-revoked")))
                    .post("/ssf/v1/transmitter/streams").then().statusCode(201).extract().path("stream_id");
            Response connected = inventory.as(admin).body(Map.of("issuer", transmitter.issuer, "audience", AUDIENCE))
                    .put("/api/v1/partners/" + partnerId + "/ssf");
            connected.then().statusCode(200);
            String set = transmitter.set(SsfTransmitter.RISC + "account-disabled", Map.of("format", "iss_sub", "iss", transmitter.issuer, "sub",
                    chain.guest().homeSubject()), AUDIENCE);

            long start = System.nanoTime();
            SsfTransmitter.push(platform.endpoint("INVENTORY_URL"), connected.path("pushEndpoint"), connected.path("pushAuthorization"), set)
                    .then().statusCode(202);
            long answeredMs = (System.nanoTime() - start) / 1_000_000;
            // answered after the commit: the grants are revoked already, with no waiting
            assertEquals(Collections.nCopies(4, "REVOKED"), inventory.grantStates(chain.guest().id()));
            System.out.printf("SSF push answered (every grant revoked) in %d ms%n", answeredMs);

            List<String> causes = inventory.as(admin).queryParam("guestId", chain.guest().id()).get("/api/v1/grants").then().extract()
                    .path("items.revocationCause");
            inventory.as(platform.userToken("auditor")).get("/api/v1/partner-signals/" + causes.get(0)).then().statusCode(200)
                    .body("channel", equalTo("SSF")).body("outcome", equalTo("APPLIED")).body("revokedGrantIds.size()", equalTo(4));
            await().atMost(Duration.ofSeconds(10)).until(() -> chain.revokedOnKafka(platform.kafka()), r -> r.size() == 4);
            assertTrue(chain.revokedOnKafka(platform.kafka()).stream().allMatch(r -> r.value().contains(causes.get(0))),
                    "each access-revoked names the signal the SET became");
            // the sponsor and each owner are told once, as for any signal
            await().atMost(Duration.ofSeconds(60)).until(() -> chain.mailCounts(platform), equalTo(List.of(1, 1, 1)));

            // and the application was told to end the guest's sessions, by a SET that verifies against the JWKS of every instance
            await().atMost(Duration.ofSeconds(10)).until(() -> application.received().size() == 1);
            String email = inventory.as(admin).get("/api/v1/guests/" + chain.guest().id()).then().extract().path("email");
            for (String instance : platform.endpoint("INVENTORY_URLS").split(",")) {
                String jwks = given().get(instance + "/ssf/v1/transmitter/jwks").then().statusCode(200).extract().asString();
                JwtClaims claims = SsfReceiver.verify(application.received().get(0), jwks, issuer, "portcullis-demo-app");
                assertEquals(Map.of("format", "email", "email", email), claims.getClaimValue("sub_id"));
                assertTrue(((Map<?, ?>) claims.getClaimValue("events")).containsKey(SsfTransmitter.CAEP + "session-revoked"));
            }
            given().baseUri(issuer).auth().oauth2(app).queryParam("stream_id", stream).delete("/ssf/v1/transmitter/streams").then().statusCode(204);
        }
    }

    /**
     * The push endpoint is open to anyone who can reach it (the push authorization is checked after the body is read): 20 clients
     * each post a 10 MB body at once, and each is refused by its declared length, before any of it is read; a partner's valid SET
     * pushed meanwhile is applied, every grant revoked, within a second.
     */
    @Test
    void twentyConcurrentTenMegabytePushesAreRefusedAndAValidSetPushedMeanwhileIsAppliedWithinASecond() throws Exception {
        Platform platform = Platform.get();
        InventoryApi inventory = platform.inventory();
        Chain chain = Chain.create(platform, 2);
        String admin = platform.userToken("admin");
        String partnerId = inventory.as(admin).get("/api/v1/guests/" + chain.guest().id()).then().statusCode(200).extract().path("partnerId");
        ExecutorService attackers = Executors.newFixedThreadPool(20);
        try (SsfTransmitter transmitter = new SsfTransmitter()) {
            Response connected = inventory.as(admin).body(Map.of("issuer", transmitter.issuer, "audience", AUDIENCE)).put("/api/v1/partners/" + partnerId + "/ssf");
            connected.then().statusCode(200);
            String url = platform.endpoint("INVENTORY_URL") + connected.<String>path("pushEndpoint");
            String set = transmitter.set(SsfTransmitter.RISC + "account-disabled", Map.of("format", "iss_sub", "iss", transmitter.issuer, "sub",
                    chain.guest().homeSubject()), AUDIENCE);
            CountDownLatch underWay = new CountDownLatch(20);
            List<Future<Integer>> attacks = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                attacks.add(attackers.submit(() -> {
                    underWay.countDown();
                    return DeclaredBody.post(url, Map.of("Content-Type", "application/secevent+jwt", "Authorization", "Bearer guessed"), 10 * 1024 * 1024);
                }));
            }
            assertTrue(underWay.await(10, TimeUnit.SECONDS));

            long start = System.nanoTime();
            SsfTransmitter.push(platform.endpoint("INVENTORY_URL"), connected.path("pushEndpoint"), connected.path("pushAuthorization"), set)
                    .then().statusCode(202);
            long appliedMs = (System.nanoTime() - start) / 1_000_000;
            assertEquals(Collections.nCopies(2, "REVOKED"), inventory.grantStates(chain.guest().id()));
            System.out.printf("a valid SET pushed among 20 concurrent 10 MB posts: applied in %d ms%n", appliedMs);
            assertTrue(appliedMs < 1_000, "applied in " + appliedMs + " ms");
            for (Future<Integer> attack : attacks) {
                assertEquals(413, attack.get(60, TimeUnit.SECONDS));
            }
        } finally {
            attackers.shutdownNow();
        }
    }
}

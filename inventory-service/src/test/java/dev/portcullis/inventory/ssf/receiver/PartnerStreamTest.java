package dev.portcullis.inventory.ssf.receiver;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.testsupport.InventoryApi;
import dev.portcullis.testsupport.KafkaResource;
import dev.portcullis.testsupport.KafkaTestClient;
import dev.portcullis.testsupport.PostgresResource;
import dev.portcullis.testsupport.SsfTransmitter;
import dev.portcullis.testsupport.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Portcullis makes and keeps the stream at a partner's transmitter through its SSF stream-management API: a push stream to our
 * endpoint with the push authorization, verified by the event it asks for; then a poll stream, polled with acknowledgements for
 * what it applied and RFC 8935 errors for what it refused.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
class PartnerStreamTest {

    private static final String DISABLED = SsfTransmitter.RISC + "account-disabled";

    @TestHTTPResource("/")
    URL baseUrl;

    InventoryApi api;
    SsfTransmitter transmitter;
    InventoryApi.Guest guest;
    String partnerId;

    @BeforeEach
    void setUp() throws Exception {
        api = new InventoryApi(baseUrl.toString(), TestTokens::admin, TestTokens::signal);
        transmitter = new SsfTransmitter();
        guest = api.guestWithGrants(api.twoResources(), 2, "sponsor@example.com");
        partnerId = api.as(TestTokens.admin()).get("/api/v1/guests/" + guest.id()).then().extract().path("partnerId");
    }

    @AfterEach
    void tearDown() {
        transmitter.close();
    }

    private Response connect(String delivery, String secret) {
        return api.as(TestTokens.admin()).body(Map.of("issuer", transmitter.issuer, "streamManagement", Map.of("clientId", "portcullis",
                "clientSecret", secret, "delivery", delivery))).put("/api/v1/partners/" + partnerId + "/ssf");
    }

    private Map<String, Object> issSub() {
        return Map.of("format", "iss_sub", "iss", transmitter.issuer, "sub", guest.homeSubject());
    }

    @Test
    void aPushStreamIsMadeWithOurEndpointAndAuthorizationAndVerifiedByTheEventItAskedFor() throws Exception {
        Response connected = connect("PUSH", "secret");
        connected.then().statusCode(200).body("stream.delivery", equalTo("PUSH")).body("stream.status", equalTo("enabled"))
                .body("audience", containsString("portcullis/"));
        String streamId = connected.path("stream.streamId");
        String audience = connected.path("audience");
        assertEquals(1, transmitter.requests.size());
        JsonPath made = JsonPath.from(transmitter.requests.get(0));
        assertEquals("urn:ietf:rfc:8935", made.getString("delivery.method"));
        assertTrue(made.getString("delivery.endpoint_url").endsWith("/ssf/v1/receiver/" + partnerId + "/push"));
        assertEquals(connected.<String>path("pushAuthorization"), made.getString("delivery.authorization_header"));
        assertTrue(made.getList("events_requested").containsAll(List.of(DISABLED, SsfTransmitter.CAEP + "session-revoked")));

        // the verification Portcullis asked for comes back through the stream: verified
        assertEquals(1, transmitter.verifications.size());
        String state = JsonPath.from(transmitter.verifications.get(0)).getString("state");
        push(transmitter.set("https://schemas.openid.net/secevent/ssf/event-type/verification", Map.of("state", state),
                Map.of("format", "opaque", "id", streamId), audience), connected.path("pushAuthorization"), connected.path("pushEndpoint"));
        api.as(TestTokens.auditor()).get("/api/v1/partners/" + partnerId + "/ssf").then().statusCode(200).body("stream.verifiedAt", notNullValue())
                .body("stream.status", equalTo("enabled")).body("pushAuthorization", equalTo(null));

        // and the stream's SETs are applied
        push(transmitter.set(DISABLED, issSub(), audience), connected.path("pushAuthorization"), connected.path("pushEndpoint"));
        assertEquals(List.of("REVOKED", "REVOKED"), api.grantStates(guest.id()));
    }

    @Test
    void aPollStreamIsPolledAcknowledgingWhatItAppliedAndReturningWhyItRefusedTheRest() throws Exception {
        String pushStream = connect("PUSH", "secret").then().statusCode(200).extract().path("stream.streamId");
        Response connected = connect("POLL", "secret");
        connected.then().statusCode(200).body("stream.delivery", equalTo("POLL"));
        assertEquals(List.of(pushStream), transmitter.deleted, "the client's earlier stream goes: a transmitter keeps one per receiver");
        String audience = connected.path("audience");

        JwtClaims good = SsfTransmitter.claims(transmitter.issuer, audience, DISABLED, issSub(), Instant.now());
        JwtClaims misaddressed = SsfTransmitter.claims(transmitter.issuer, "someone-else", DISABLED, issSub(), Instant.now());
        String goodJti = good.getJwtId();
        String misaddressedJti = misaddressed.getJwtId();
        transmitter.queue(goodJti, SsfTransmitter.sign(good, transmitter.signing, "secevent+jwt", AlgorithmIdentifiers.RSA_USING_SHA256));
        transmitter.queue(misaddressedJti, SsfTransmitter.sign(misaddressed, transmitter.signing, "secevent+jwt",
                AlgorithmIdentifiers.RSA_USING_SHA256));

        await().atMost(Duration.ofSeconds(15)).until(transmitter::queueEmpty);
        assertEquals(List.of("REVOKED", "REVOKED"), api.grantStates(guest.id()));
        List<JsonPath> polls = transmitter.polls().stream().map(JsonPath::from).toList();
        assertTrue(polls.stream().allMatch(p -> Boolean.FALSE.equals(p.get("returnImmediately"))), "a long poll, where the transmitter holds it");
        assertTrue(polls.stream().anyMatch(p -> p.getList("ack").contains(goodJti)), "the applied SET is acknowledged");
        assertTrue(polls.stream().anyMatch(p -> "invalid_audience".equals(p.getString("setErrs.'" + misaddressedJti + "'.err"))),
                "the refused one is returned with its RFC 8935 code: " + transmitter.polls());
        api.as(TestTokens.auditor()).get("/api/v1/partners/" + partnerId + "/ssf").then().body("stream.lastPolledAt", notNullValue())
                .body("stream.lastError", equalTo(null));

        // disconnected: the stream at the transmitter goes too
        api.as(TestTokens.admin()).delete("/api/v1/partners/" + partnerId + "/ssf").then().statusCode(204);
        assertEquals(2, transmitter.deleted.size());

        // the SOC's feed: connected twice and disconnected, on the partner's key, naming the transmitter and never a secret
        KafkaTestClient kafka = new KafkaTestClient(KafkaResource.bootstrapServers());
        List<com.fasterxml.jackson.databind.JsonNode> feed = await().atMost(Duration.ofSeconds(10)).until(() -> kafka.ocsfRecords(partnerId).stream()
                .filter(e -> "Partner transmitter".equals(e.at("/entity/type").asText())).toList(), f -> f.size() >= 3);
        assertEquals(List.of(300403L, 300403L, 300404L), feed.stream().map(e -> e.path("type_uid").asLong()).toList());
        assertEquals(List.of("PUSH", "POLL"), feed.subList(0, 2).stream().map(e -> e.at("/entity/data/delivery").asText()).toList());
        assertTrue(feed.stream().allMatch(e -> transmitter.issuer.equals(e.at("/entity/name").asText())));
        String token = connected.<String>path("pushAuthorization").substring("Bearer ".length());
        assertTrue(feed.stream().noneMatch(e -> e.toString().contains(token) || e.toString().contains("clientSecret")), "no secret on the feed");
        assertTrue(feed.stream().allMatch(e -> dev.portcullis.events.EventSchemas.ocsfViolations(e).isEmpty()));
    }

    @Test
    void aPolledSetWithANewKeyStaysUnacknowledgedWhileTheKeysCannotBeFetchedAndIsAppliedOnceTheyCan() throws Exception {
        Response connected = connect("POLL", "secret");
        connected.then().statusCode(200);
        String audience = connected.path("audience");
        transmitter.jwksServed = false;
        transmitter.rotate("key-2");
        JwtClaims claims = SsfTransmitter.claims(transmitter.issuer, audience, DISABLED, issSub(), Instant.now());
        int before = transmitter.polls().size();
        transmitter.queue(claims.getJwtId(), SsfTransmitter.sign(claims, transmitter.signing, "secevent+jwt", AlgorithmIdentifiers.RSA_USING_SHA256));
        // polled at least twice since: given, and not acknowledged nor refused by the poll after
        await().atMost(Duration.ofSeconds(15)).until(() -> transmitter.polls().size() >= before + 2);
        for (String poll : transmitter.polls()) {
            assertTrue(!poll.contains(claims.getJwtId()), "neither acknowledged nor refused while the keys cannot be read: " + poll);
        }
        assertEquals(List.of("ACTIVE", "ACTIVE"), api.grantStates(guest.id()));

        transmitter.jwksServed = true;
        await().atMost(Duration.ofSeconds(15)).until(transmitter::queueEmpty);
        assertEquals(List.of("REVOKED", "REVOKED"), api.grantStates(guest.id()));
    }

    @Test
    void aClientThePartnersIdpRefusesIsA400AndNothingIsConnected() {
        connect("PUSH", "wrong").then().statusCode(400).body("errors[0].field", equalTo("streamManagement"))
                .body("errors[0].message", containsString("invalid_client"));
        api.as(TestTokens.auditor()).get("/api/v1/partners/" + partnerId + "/ssf").then().statusCode(404);
        api.as(TestTokens.admin()).body(Map.of("issuer", transmitter.issuer)).put("/api/v1/partners/" + partnerId + "/ssf").then().statusCode(400)
                .body("errors[0].field", equalTo("audience"));
    }

    private void push(String set, String authorization, String endpoint) {
        SsfTransmitter.push(baseUrl.toString(), endpoint, authorization, set).then().statusCode(202);
    }
}

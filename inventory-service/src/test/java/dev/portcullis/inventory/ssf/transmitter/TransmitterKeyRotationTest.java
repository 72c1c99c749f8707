package dev.portcullis.inventory.ssf.transmitter;

import static dev.portcullis.inventory.ssf.EventTypes.SESSION_REVOKED;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portcullis.testsupport.InventoryApi;
import dev.portcullis.testsupport.KafkaResource;
import dev.portcullis.testsupport.PostgresResource;
import dev.portcullis.testsupport.SsfReceiver;
import dev.portcullis.testsupport.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.http.ContentType;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jws.JsonWebSignature;
import org.junit.jupiter.api.Test;

/**
 * A rotation of our transmitter's keys, as an operator does it: the keystore holds the old key and the new one, the new one signs.
 * Both are published (a receiver holding the old JWKS fetches the new before the old key goes), and SETs carry the new kid.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
@QuarkusTestResource(value = TransmitterKeyRotationTest.TwoKeys.class, restrictToAnnotatedClass = true)
class TransmitterKeyRotationTest {

    /** A PKCS#12 keystore with two RSA keys, made with the JDK's keytool as the operations guide says; the newer signs. */
    public static class TwoKeys implements QuarkusTestResourceLifecycleManager {
        private Path dir;

        @Override
        public Map<String, String> start() {
            try {
                dir = Files.createTempDirectory("ssf-keys");
                Path keystore = dir.resolve("transmitter.p12");
                for (String alias : List.of("k-2026-10", "k-2026-11")) {
                    Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair",
                            "-keyalg", "RSA", "-keysize", "2048", "-alias", alias, "-dname", "CN=portcullis-ssf", "-validity", "30", "-storetype",
                            "PKCS12", "-keystore", keystore.toString(), "-storepass", "rotate-me").redirectErrorStream(true).start();
                    if (keytool.waitFor() != 0) {
                        throw new IllegalStateException("keytool: " + new String(keytool.getInputStream().readAllBytes()));
                    }
                }
                return Map.of("portcullis.inventory.ssf.transmitter.keystore", keystore.toString(),
                        "portcullis.inventory.ssf.transmitter.keystore-password", "rotate-me",
                        "portcullis.inventory.ssf.transmitter.signing-alias", "k-2026-11");
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void stop() {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // a temporary directory
            }
        }
    }

    @TestHTTPResource("/")
    URL baseUrl;

    @Test
    void bothKeysArePublishedAndTheNewOneSigns() throws Exception {
        String jwks = given().baseUri(baseUrl.toString()).get("/ssf/v1/transmitter/jwks").then().statusCode(200).extract().asString();
        assertEquals(List.of("k-2026-10", "k-2026-11"), new JsonWebKeySet(jwks).getJsonWebKeys().stream().map(k -> k.getKeyId()).sorted().toList());
        assertEquals(List.of(), new JsonWebKeySet(jwks).getJsonWebKeys().stream().filter(k -> k.toJson().contains("\"d\"")).toList(),
                "no private part is published");

        InventoryApi api = new InventoryApi(baseUrl.toString(), TestTokens::admin, TestTokens::signal);
        try (SsfReceiver application = new SsfReceiver()) {
            String issuer = given().baseUri(baseUrl.toString()).get("/.well-known/ssf-configuration").then().extract().path("issuer");
            String stream = given().baseUri(baseUrl.toString()).auth().oauth2(TestTokens.ssfReceiver("rotating-app")).contentType(ContentType.JSON)
                    .body(Map.of("delivery", Map.of("method", "urn:ietf:rfc:8935", "endpoint_url", application.endpoint),
                            "events_requested", List.of(SESSION_REVOKED)))
                    .post("/ssf/v1/transmitter/streams").then().statusCode(201).extract().path("stream_id");
            InventoryApi.Guest guest = api.guestWithGrants(api.twoResources(), 1, "sponsor@example.com");
            api.as(TestTokens.admin()).body(Map.of()).post("/api/v1/guests/" + guest.id() + "/block").then().statusCode(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> application.received().size() == 1);

            String set = application.received().get(0);
            JsonWebSignature jws = new JsonWebSignature();
            jws.setCompactSerialization(set);
            assertEquals("k-2026-11", jws.getKeyIdHeaderValue());
            SsfReceiver.verify(set, jwks, issuer, "rotating-app");
            given().baseUri(baseUrl.toString()).auth().oauth2(TestTokens.ssfReceiver("rotating-app")).queryParam("stream_id", stream)
                    .delete("/ssf/v1/transmitter/streams").then().statusCode(204);
        }
    }
}

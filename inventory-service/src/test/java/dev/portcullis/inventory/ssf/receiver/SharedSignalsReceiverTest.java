package dev.portcullis.inventory.ssf.receiver;

import static dev.portcullis.inventory.ssf.EventTypes.RISC;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.emptyOrNullString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portcullis.testsupport.InventoryApi;
import dev.portcullis.testsupport.KafkaResource;
import dev.portcullis.testsupport.PostgresResource;
import dev.portcullis.testsupport.SsfTransmitter;
import dev.portcullis.testsupport.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.response.Response;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.UUID;
import java.util.Map;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A partner's identity provider pushes Security Event Tokens (RFC 8935) to Portcullis: a verified RISC account-disabled ends
 * the guest's access through the same path as a REST signal; every SET that fails a check is refused with its RFC 8935 code and
 * changes nothing; a repeated jti changes nothing; a rotated key is fetched.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
class SharedSignalsReceiverTest {

    private static final String DISABLED = RISC + "account-disabled";
    private static final String AUDIENCE = "https://portcullis.example.com/ssf";

    @TestHTTPResource("/")
    URL baseUrl;

    InventoryApi api;
    SsfTransmitter transmitter;
    InventoryApi.Guest guest;
    String partnerId;
    String push;
    String authorization;

    @BeforeEach
    void setUp() throws Exception {
        api = new InventoryApi(baseUrl.toString(), TestTokens::admin, TestTokens::signal);
        transmitter = new SsfTransmitter();
        guest = api.guestWithGrants(api.twoResources(), 2, "sponsor@example.com");
        partnerId = api.as(TestTokens.admin()).get("/api/v1/guests/" + guest.id()).then().extract().path("partnerId");
        Response connected = api.as(TestTokens.admin()).body(Map.of("issuer", transmitter.issuer, "audience", AUDIENCE))
                .put("/api/v1/partners/" + partnerId + "/ssf");
        connected.then().statusCode(200).body("jwksUri", equalTo(transmitter.issuer + "/jwks"))
                .body("pushAuthorization", startsWith("Bearer "));
        push = connected.path("pushEndpoint");
        authorization = connected.path("pushAuthorization");
    }

    @AfterEach
    void tearDown() {
        transmitter.close();
    }

    @Test
    void aVerifiedAccountDisabledEndsEveryGrantOnceAndARepeatChangesNothing() throws Exception {
        // the authorization is shown once
        api.as(TestTokens.auditor()).get("/api/v1/partners/" + partnerId + "/ssf").then().statusCode(200).body("pushAuthorization", nullValue())
                .body("issuer", equalTo(transmitter.issuer));

        String set = transmitter.set(DISABLED, issSub(guest.homeSubject()), AUDIENCE);
        pushed(set, authorization).then().statusCode(202).body(emptyOrNullString());
        assertEquals(List.of("REVOKED", "REVOKED"), api.grantStates(guest.id()));
        api.as(TestTokens.admin()).get("/api/v1/guests/" + guest.id()).then().body("state", equalTo("BLOCKED"));
        List<String> signals = api.as(TestTokens.admin()).queryParam("guestId", guest.id()).get("/api/v1/grants").then().extract()
                .path("items.revocationCause");
        api.as(TestTokens.auditor()).get("/api/v1/partner-signals/" + signals.get(0)).then().statusCode(200).body("channel", equalTo("SSF"))
                .body("type", equalTo("ACCOUNT_DISABLED")).body("matchedGuestIds", equalTo(List.of(guest.id())));

        // the transmitter retries the same SET: accepted, and no second signal
        pushed(set, authorization).then().statusCode(202);
        assertEquals(1L, io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().call(
                () -> dev.portcullis.inventory.domain.PartnerSignal.count("homeTenantId", guest.homeTenantId())));
    }

    @Test
    void everySetThatFailsACheckIsRefusedWithItsCodeAndChangesNothing() throws Exception {
        Map<String, Object> subject = issSub(guest.homeSubject());
        Instant now = Instant.now();
        Map<String, String> refused = new LinkedHashMap<>();
        refused.put("authentication_failed: no push authorization", push(transmitter.set(DISABLED, subject, AUDIENCE), null));
        refused.put("authentication_failed: another push authorization", push(transmitter.set(DISABLED, subject, AUDIENCE), "Bearer guessed"));
        // signed by a key the transmitter does not publish, under its own kid: the signature does not verify
        refused.put("authentication_failed: a forged signature", push(SsfTransmitter.sign(SsfTransmitter.claims(transmitter.issuer, AUDIENCE,
                DISABLED, subject, now), SsfTransmitter.newKey("key-1"), "secevent+jwt", AlgorithmIdentifiers.RSA_USING_SHA256), authorization));
        refused.put("invalid_key: a kid unknown after a refetch", push(SsfTransmitter.sign(SsfTransmitter.claims(transmitter.issuer, AUDIENCE,
                DISABLED, subject, now), SsfTransmitter.newKey("key-9"), "secevent+jwt", AlgorithmIdentifiers.RSA_USING_SHA256), authorization));
        refused.put("invalid_issuer: another issuer", push(SsfTransmitter.sign(SsfTransmitter.claims("https://elsewhere.example", AUDIENCE,
                DISABLED, subject, now), transmitter.signing, "secevent+jwt", AlgorithmIdentifiers.RSA_USING_SHA256), authorization));
        refused.put("invalid_audience: another audience", push(transmitter.set(DISABLED, subject, "https://someone-else.example"), authorization));
        refused.put("invalid_request: an iat 31 days old (older than the jtis kept)", push(SsfTransmitter.sign(SsfTransmitter.claims(
                transmitter.issuer, AUDIENCE, DISABLED, subject, now.minus(Duration.ofDays(31))), transmitter.signing, "secevent+jwt",
                AlgorithmIdentifiers.RSA_USING_SHA256), authorization));
        refused.put("invalid_request: typ JWT", push(SsfTransmitter.sign(SsfTransmitter.claims(transmitter.issuer, AUDIENCE, DISABLED, subject,
                now), transmitter.signing, "JWT", AlgorithmIdentifiers.RSA_USING_SHA256), authorization));
        refused.put("invalid_request: alg none", push(unsigned(SsfTransmitter.claims(transmitter.issuer, AUDIENCE, DISABLED, subject, now)),
                authorization));
        refused.put("invalid_request: not a SET", push("hello", authorization));
        refused.put("access_denied: a subject of another issuer", push(transmitter.set(DISABLED, Map.of("format", "iss_sub", "iss",
                "https://elsewhere.example", "sub", guest.homeSubject()), AUDIENCE), authorization));
        refused.put("access_denied: a subject of another tenant", push(transmitter.set(DISABLED, Map.of("format", "complex", "user",
                issSub(guest.homeSubject()), "tenant", Map.of("format", "opaque", "id", "someone-elses-tenant")), AUDIENCE), authorization));
        refused.forEach((expected, err) -> assertEquals(expected.substring(0, expected.indexOf(':')), err, expected));

        assertEquals(List.of("ACTIVE", "ACTIVE"), api.grantStates(guest.id()));
        api.as(TestTokens.admin()).get("/api/v1/guests/" + guest.id()).then().body("state", equalTo("INVITED"));
    }

    @Test
    void aKeyRotatedJustAfterAnUnknownKidIsFetchedAndItsSignalApplied() throws Exception {
        // a kid the transmitter never had: refused for good, after a fetch made for it
        assertEquals("invalid_key", push(SsfTransmitter.sign(SsfTransmitter.claims(transmitter.issuer, AUDIENCE, DISABLED,
                issSub("nobody-" + guest.homeSubject()), Instant.now()), SsfTransmitter.newKey("key-9"), "secevent+jwt",
                AlgorithmIdentifiers.RSA_USING_SHA256), authorization));
        // the partner rotates at once: its first SET with the new kid is verified, not refused by a cool-down of the refetch before
        transmitter.rotate("key-2");
        pushed(transmitter.set(DISABLED, issSub(guest.homeSubject()), AUDIENCE), authorization).then().statusCode(202);
        assertEquals(List.of("REVOKED", "REVOKED"), api.grantStates(guest.id()));
    }

    @Test
    void whileTheTransmittersKeysCannotBeFetchedASetWithANewKidIsToComeAgainNotRefused() throws Exception {
        pushed(transmitter.set(DISABLED, issSub("nobody-" + guest.homeSubject()), AUDIENCE), authorization).then().statusCode(202); // keys cached
        transmitter.jwksServed = false;
        transmitter.rotate("key-2");
        String set = transmitter.set(DISABLED, issSub(guest.homeSubject()), AUDIENCE);
        pushed(set, authorization).then().statusCode(503).header("Retry-After", "30").body("err", equalTo("temporarily_unavailable"));
        assertEquals(List.of("ACTIVE", "ACTIVE"), api.grantStates(guest.id()));
        // the transmitter pushes it again once its keys are served
        transmitter.jwksServed = true;
        pushed(set, authorization).then().statusCode(202);
        assertEquals(List.of("REVOKED", "REVOKED"), api.grantStates(guest.id()));
    }

    /** A partner's documents point the platform at the cloud's metadata service, or at its own network: refused before any call. */
    @Test
    void aTransmitterThatPointsThePlatformIntoItsOwnNetworkIsRefused() throws Exception {
        for (String inside : List.of("http://169.254.169.254/latest/meta-data/iam/security-credentials/", "http://10.0.0.8:8080/jwks",
                "http://[64:ff9b::a9fe:a9fe]/latest/meta-data/", "http://100.64.0.1/jwks")) {
            transmitter.jwksUri = inside;
            api.as(TestTokens.admin()).body(Map.of("issuer", transmitter.issuer, "audience", AUDIENCE)).put("/api/v1/partners/" + partnerId + "/ssf")
                    .then().statusCode(400).body("errors[0].field", equalTo("issuer"))
                    .body("errors[0].message", org.hamcrest.Matchers.allOf(containsString("jwks_uri"), containsString("points into")));
        }
        api.as(TestTokens.admin()).body(Map.of("issuer", "http://169.254.169.254/idp", "audience", AUDIENCE)).put("/api/v1/partners/" + partnerId + "/ssf")
                .then().statusCode(400).body("errors[0].field", equalTo("issuer")).body("errors[0].message", containsString("points into"));
        // the connection made before stands: its signals still apply
        pushed(transmitter.set(DISABLED, issSub(guest.homeSubject()), AUDIENCE), authorization).then().statusCode(202);
        assertEquals(List.of("REVOKED", "REVOKED"), api.grantStates(guest.id()));
    }

    /** A push is a SET, a few KB: a body declared larger than 64 KB is refused before it is read, and one that will not say its size too. */
    @Test
    void aPushLargerThanASetIsRefusedBeforeItIsRead() throws Exception {
        String url = baseUrl.toString().replaceAll("/$", "") + push;
        Map<String, String> headers = Map.of("Authorization", authorization, "Content-Type", "application/secevent+jwt");
        assertEquals(413, dev.portcullis.testsupport.DeclaredBody.post(url, headers, 10 * 1024 * 1024));
        assertEquals(413, dev.portcullis.testsupport.DeclaredBody.post(url, Map.of(), 64 * 1024 + 1));
        assertEquals(411, dev.portcullis.testsupport.DeclaredBody.post(url, headers, -1));
        // within the limit it is read, and refused for what it is
        pushed("x".repeat(60 * 1024), authorization).then().statusCode(400).body("err", equalTo("invalid_request"));
        pushed(transmitter.set(DISABLED, issSub(guest.homeSubject()), AUDIENCE), authorization).then().statusCode(202);
    }

    /** A transmitter whose keys come as 10 MB: cut off at the limit, never read whole; its SET is to come again, nothing applied. */
    @Test
    void aJwksLargerThanAllowedIsCutOffAndTheSetWaits() throws Exception {
        transmitter.jwksPadding = 10 * 1024 * 1024;
        transmitter.rotate("key-2");
        pushed(transmitter.set(DISABLED, issSub(guest.homeSubject()), AUDIENCE), authorization).then().statusCode(503)
                .body("description", containsString("too large"));
        assertEquals(List.of("ACTIVE", "ACTIVE"), api.grantStates(guest.id()));
    }

    @Test
    void aSetQueuedForHoursIsStillApplied() throws Exception {
        pushed(SsfTransmitter.sign(SsfTransmitter.claims(transmitter.issuer, AUDIENCE, DISABLED, issSub(guest.homeSubject()),
                Instant.now().minus(Duration.ofHours(2))), transmitter.signing, "secevent+jwt", AlgorithmIdentifiers.RSA_USING_SHA256), authorization)
                .then().statusCode(202);
        assertEquals(List.of("REVOKED", "REVOKED"), api.grantStates(guest.id()));
    }

    @Test
    void aKeyThePartnerWithdrewStopsVerifyingOnceTheCachedKeysExpire() throws Exception {
        Map<String, Object> nobody = issSub("nobody-" + guest.homeSubject());
        pushed(transmitter.set(DISABLED, nobody, AUDIENCE), authorization).then().statusCode(202);
        org.jose4j.jwk.RsaJsonWebKey firstKey = transmitter.signing;
        transmitter.rotate("key-2");
        transmitter.withdraw("key-1");
        // key-1 no longer published: once the keys kept (2 s in tests) expire, a SET signed with it is refused
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500)).until(() -> pushed(SsfTransmitter.sign(
                SsfTransmitter.claims(transmitter.issuer, AUDIENCE, DISABLED, nobody, Instant.now()), firstKey, "secevent+jwt",
                AlgorithmIdentifiers.RSA_USING_SHA256), authorization).asString().contains("\"invalid_key\""));
    }

    /** A push authorization is shown once: a repeat of its request under the same Idempotency-Key is answered without it, and it is not kept. */
    @Test
    void aRepeatedConnectionNeverReplaysNorKeepsThePushAuthorization() throws Exception {
        String key = UUID.randomUUID().toString();
        Response first = api.as(TestTokens.admin()).header("Idempotency-Key", key).body(Map.of("issuer", transmitter.issuer, "audience", AUDIENCE))
                .put("/api/v1/partners/" + partnerId + "/ssf");
        first.then().statusCode(200).body("pushAuthorization", startsWith("Bearer "));
        String secret = first.path("pushAuthorization");
        api.as(TestTokens.admin()).header("Idempotency-Key", key).body(Map.of("issuer", transmitter.issuer, "audience", AUDIENCE))
                .put("/api/v1/partners/" + partnerId + "/ssf").then().statusCode(200).header("Idempotency-Replayed", "true")
                .body("pushAuthorization", nullValue()).body("partnerId", equalTo(partnerId));
        assertEquals(0L, io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery(
                "select count(*) from idempotency_key where body like ?1").setParameter(1, "%" + secret.substring(7) + "%").getSingleResult()).longValue()));
        // the authorization shown once is the one that works
        pushed(transmitter.set(DISABLED, issSub(guest.homeSubject()), AUDIENCE), secret).then().statusCode(202);
    }

    @jakarta.inject.Inject
    jakarta.persistence.EntityManager em;

    @Test
    void aRotatedKeyIsFetchedAndAComplexSubjectOfThePartnersTenantIsApplied() throws Exception {
        transmitter.rotate("key-2");
        String set = transmitter.set(DISABLED, Map.of("format", "complex", "user", issSub(guest.homeSubject()), "tenant",
                Map.of("format", "opaque", "id", guest.homeTenantId())), AUDIENCE);
        pushed(set, authorization).then().statusCode(202);
        assertEquals(List.of("REVOKED", "REVOKED"), api.grantStates(guest.id()));
    }

    @Test
    void aRevokedCredentialIsRecordedOnlyUntilThePartnerCountsItAsCompromised() throws Exception {
        String change = SsfTransmitter.CAEP + "credential-change";
        Map<String, Object> revoke = Map.of("credential_type", "password", "change_type", "revoke");
        // by default: accepted and recorded in the audit trail, nothing changes
        Instant before = Instant.now().minusSeconds(1);
        pushed(transmitter.set(change, revoke, issSub(guest.homeSubject()), AUDIENCE), authorization).then().statusCode(202);
        assertEquals(List.of("ACTIVE", "ACTIVE"), api.grantStates(guest.id()));
        List<Map<String, Object>> recorded = api.as(TestTokens.auditor()).queryParam("from", before.toString()).queryParam("limit", 500)
                .get("/api/v1/audit").then().statusCode(200).extract().path("items.findAll { it.action == 'SSF_EVENT_RECORDED' }");
        org.junit.jupiter.api.Assertions.assertTrue(recorded.stream().anyMatch(r -> change.equals(r.get("reason"))
                && String.valueOf(r.get("details")).contains(partnerId)), recorded.toString());

        // the partner's transmitter connected again, with a revoked credential counting as compromised: blocked, the CONFIDENTIAL grant revoked
        Response again = api.as(TestTokens.admin()).body(Map.of("issuer", transmitter.issuer, "audience", AUDIENCE,
                "credentialRevokeIsCompromise", true)).put("/api/v1/partners/" + partnerId + "/ssf");
        again.then().statusCode(200).body("credentialRevokeIsCompromise", equalTo(true));
        pushed(transmitter.set(change, Map.of("credential_type", "password", "change_type", "update"), issSub(guest.homeSubject()), AUDIENCE),
                again.path("pushAuthorization")).then().statusCode(202);
        assertEquals(List.of("ACTIVE", "ACTIVE"), api.grantStates(guest.id()), "an updated credential is no compromise");
        pushed(transmitter.set(change, revoke, issSub(guest.homeSubject()), AUDIENCE), again.path("pushAuthorization")).then().statusCode(202);
        assertEquals(List.of("ACTIVE", "REVOKED"), api.grantStates(guest.id()).stream().sorted().toList());
        api.as(TestTokens.admin()).get("/api/v1/guests/" + guest.id()).then().body("state", equalTo("BLOCKED"));
    }

    @Test
    void anIdentifierChangedMovesTheGuestsAddressAndOneThePlatformCannotTakeIsRecordedNotApplied() throws Exception {
        String changed = SsfTransmitter.RISC + "identifier-changed";
        String email = api.as(TestTokens.admin()).get("/api/v1/guests/" + guest.id()).then().extract().path("email");
        String renamed = "renamed-" + email;
        Instant before = Instant.now().minusSeconds(1);

        pushed(transmitter.set(changed, Map.of("new-value", renamed), Map.of("format", "email", "email", email), AUDIENCE), authorization)
                .then().statusCode(202);

        api.as(TestTokens.admin()).get("/api/v1/guests/" + guest.id()).then().body("email", equalTo(renamed)).body("state", equalTo("INVITED"));
        assertEquals(List.of("ACTIVE", "ACTIVE"), api.grantStates(guest.id()), "a new address ends no access");
        api.as(TestTokens.auditor()).queryParam("guestId", guest.id()).queryParam("from", before.toString()).get("/api/v1/audit").then()
                .body("items.find { it.action == 'GUEST_UPDATED' }.reason", equalTo("RISC_IDENTIFIER_CHANGED"));

        // an address of another partner's domain is not this partner's to give: accepted, recorded, nothing changes
        String otherDomain = "other-" + UUID.randomUUID().toString().substring(0, 8) + ".example";
        api.createPartner("tenant-" + otherDomain, otherDomain);
        pushed(transmitter.set(changed, Map.of("new-value", "ann@" + otherDomain), issSub(guest.homeSubject()), AUDIENCE), authorization)
                .then().statusCode(202);
        api.as(TestTokens.admin()).get("/api/v1/guests/" + guest.id()).then().body("email", equalTo(renamed));
        api.as(TestTokens.auditor()).queryParam("guestId", guest.id()).queryParam("from", before.toString()).get("/api/v1/audit").then()
                .body("items.find { it.action == 'SSF_EVENT_NOT_APPLIED' }.details.problem", org.hamcrest.Matchers.containsString("belongs to partner"));
    }

    private Map<String, Object> issSub(String sub) {
        return Map.of("format", "iss_sub", "iss", transmitter.issuer, "sub", sub);
    }

    private Response pushed(String set, String auth) {
        return SsfTransmitter.push(baseUrl.toString(), push, auth, set);
    }

    /** The RFC 8935 code of a refused push (it must be refused: a 400 with {err, description}). */
    private String push(String set, String auth) {
        return pushed(set, auth).then().statusCode(400).contentType("application/json").body("description", org.hamcrest.Matchers.notNullValue())
                .extract().path("err");
    }

    private static String unsigned(JwtClaims claims) throws Exception {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.NONE);
        jws.setHeader("typ", "secevent+jwt");
        jws.setAlgorithmConstraints(org.jose4j.jwa.AlgorithmConstraints.NO_CONSTRAINTS);
        return jws.getCompactSerialization();
    }
}

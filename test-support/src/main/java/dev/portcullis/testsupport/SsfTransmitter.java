package dev.portcullis.testsupport;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.lang.JoseException;

/**
 * A partner's Shared Signals transmitter as a test plays it: it serves {@code /.well-known/ssf-configuration} and its JWKS on
 * 127.0.0.1 and signs SETs with its RSA key; its keys can rotate. Its issuer is {@code http://127.0.0.1:<port>/idp}.
 */
public final class SsfTransmitter implements AutoCloseable {

    private final HttpServer server;
    public final String issuer;
    private final List<RsaJsonWebKey> published = new ArrayList<>();
    public RsaJsonWebKey signing;

    public SsfTransmitter() throws IOException, JoseException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        issuer = "http://127.0.0.1:" + server.getAddress().getPort() + "/idp";
        signing = newKey("key-1");
        published.add(signing);
        server.createContext("/.well-known/ssf-configuration/idp", exchange -> reply(exchange, "{\"issuer\":\"" + issuer + "\",\"jwks_uri\":\""
                + issuer + "/jwks\",\"delivery_methods_supported\":[\"urn:ietf:rfc:8935\"]}"));
        server.createContext("/idp/jwks", exchange -> {
            synchronized (published) {
                reply(exchange, new JsonWebKeySet(new ArrayList<>(published)).toJson());
            }
        });
        server.start();
    }

    public static RsaJsonWebKey newKey(String kid) throws JoseException {
        RsaJsonWebKey key = RsaJwkGenerator.generateJwk(2048);
        key.setKeyId(kid);
        key.setUse("sig");
        return key;
    }

    /** A new signing key, published beside the old one (as a transmitter rotates). */
    public void rotate(String kid) throws JoseException {
        synchronized (published) {
            signing = newKey(kid);
            published.add(signing);
        }
    }

    /** The RISC and CAEP event types a partner's transmitter sends (SSF 1.0 URIs). */
    public static final String RISC = "https://schemas.openid.net/secevent/risc/event-type/";
    public static final String CAEP = "https://schemas.openid.net/secevent/caep/event-type/";

    /** A SET of one event about {@code subject}, as the transmitter would sign it. */
    public String set(String eventType, Map<String, Object> subject, String audience) throws JoseException {
        return set(eventType, Map.of(), subject, audience);
    }

    /** The same, with the event's own fields (a CAEP event's {@code change_type}, say). */
    public String set(String eventType, Map<String, Object> event, Map<String, Object> subject, String audience) throws JoseException {
        JwtClaims claims = claims(issuer, audience, eventType, subject, Instant.now());
        claims.setClaim("events", Map.of(eventType, event));
        return sign(claims, signing, "secevent+jwt", AlgorithmIdentifiers.RSA_USING_SHA256);
    }

    public static JwtClaims claims(String issuer, String audience, String eventType, Map<String, Object> subject, Instant iat) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(issuer);
        claims.setAudience(audience);
        claims.setJwtId(UUID.randomUUID().toString());
        claims.setIssuedAt(NumericDate.fromSeconds(iat.getEpochSecond()));
        claims.setClaim("sub_id", subject);
        claims.setClaim("events", Map.of(eventType, Map.of()));
        return claims;
    }

    public static String sign(JwtClaims claims, RsaJsonWebKey key, String typ, String alg) throws JoseException {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(key.getPrivateKey());
        jws.setKeyIdHeaderValue(key.getKeyId());
        jws.setAlgorithmHeaderValue(alg);
        jws.setHeader("typ", typ);
        return jws.getCompactSerialization();
    }

    private static void reply(com.sun.net.httpserver.HttpExchange exchange, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

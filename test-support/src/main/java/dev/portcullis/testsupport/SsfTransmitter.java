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
    /** How often the receiver fetched the JWKS; whether it is served (false: 503, the transmitter's key server down). */
    public final java.util.concurrent.atomic.AtomicInteger jwksFetches = new java.util.concurrent.atomic.AtomicInteger();
    public volatile boolean jwksServed = true;
    /** The jwks_uri its configuration names: its own by default, or wherever an attacker points it. */
    public volatile String jwksUri;
    /** Spaces after the JWKS: a transmitter that answers without end. */
    public volatile int jwksPadding;

    public SsfTransmitter() throws IOException, JoseException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool()); // a held long poll keeps no other request waiting
        issuer = "http://127.0.0.1:" + server.getAddress().getPort() + "/idp";
        signing = newKey("key-1");
        published.add(signing);
        jwksUri = issuer + "/jwks";
        server.createContext("/.well-known/ssf-configuration/idp", exchange -> reply(exchange, "{\"issuer\":\"" + issuer + "\",\"jwks_uri\":\""
                + jwksUri + "\",\"delivery_methods_supported\":[\"urn:ietf:rfc:8935\",\"urn:ietf:rfc:8936\"],\"configuration_endpoint\":\""
                + issuer + "/streams\",\"status_endpoint\":\"" + issuer + "/status\",\"verification_endpoint\":\"" + issuer + "/verify\"}"));
        // its stream management (SSF 1.0 §8), behind a client-credentials token of client "portcullis" / "secret"
        server.createContext("/idp/.well-known/openid-configuration", exchange -> reply(exchange, "{\"issuer\":\"" + issuer
                + "\",\"token_endpoint\":\"" + issuer + "/token\"}"));
        server.createContext("/idp/token", exchange -> {
            String form = body(exchange);
            if (form.contains("client_id=portcullis") && form.contains("client_secret=secret")) {
                reply(exchange, "{\"access_token\":\"" + TOKEN + "\",\"expires_in\":300}");
            } else {
                reply(exchange, 401, "{\"error\":\"invalid_client\"}");
            }
        });
        server.createContext("/idp/streams", exchange -> {
            if (!authorized(exchange)) {
                return;
            }
            String query = exchange.getRequestURI().getQuery();
            synchronized (this) {
                switch (exchange.getRequestMethod()) {
                    case "GET" -> reply(exchange, stream == null ? "[]" : "[" + stream + "]");
                    case "DELETE" -> {
                        deleted.add(query == null ? "" : query.replace("stream_id=", ""));
                        stream = null;
                        reply(exchange, 204, "");
                    }
                    default -> {
                        String request = body(exchange);
                        requests.add(request);
                        String id = UUID.randomUUID().toString();
                        boolean poll = request.contains("urn:ietf:rfc:8936");
                        stream = "{\"stream_id\":\"" + id + "\",\"iss\":\"" + issuer + "\",\"aud\":[\"portcullis/" + id + "\"],\"delivery\":{"
                                + (poll ? "\"method\":\"urn:ietf:rfc:8936\",\"endpoint_url\":\"" + issuer + "/poll\"" : "\"method\":\"urn:ietf:rfc:8935\"")
                                + "}}";
                        reply(exchange, 201, stream);
                    }
                }
            }
        });
        server.createContext("/idp/status", exchange -> {
            if (authorized(exchange)) {
                reply(exchange, "{\"status\":\"enabled\"}");
            }
        });
        server.createContext("/idp/verify", exchange -> {
            if (authorized(exchange)) {
                synchronized (this) {
                    verifications.add(body(exchange));
                }
                reply(exchange, 204, "");
            }
        });
        server.createContext("/idp/poll", exchange -> {
            if (!authorized(exchange)) {
                return;
            }
            String request = body(exchange);
            synchronized (this) {
                polls.add(request);
                queued.keySet().removeIf(jti -> request.contains("\"" + jti + "\""));
                // a long poll (RFC 8936 §2.4): held until a SET is queued, for 3 s at the most
                long until = System.nanoTime() + 3_000_000_000L;
                while (queued.isEmpty() && request.contains("\"returnImmediately\":false") && System.nanoTime() < until) {
                    try {
                        wait(Math.max(1, (until - System.nanoTime()) / 1_000_000));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
                StringBuilder sets = new StringBuilder();
                queued.forEach((jti, set) -> sets.append(sets.length() == 0 ? "" : ",").append("\"").append(jti).append("\":\"").append(set).append("\""));
                reply(exchange, "{\"sets\":{" + sets + "},\"moreAvailable\":false}");
            }
        });
        server.createContext("/idp/jwks", exchange -> {
            jwksFetches.incrementAndGet();
            if (!jwksServed) {
                exchange.sendResponseHeaders(503, -1);
                exchange.close();
                return;
            }
            synchronized (published) {
                reply(exchange, new JsonWebKeySet(new ArrayList<>(published)).toJson() + " ".repeat(jwksPadding));
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

    /** Withdraws a key from the published set (a key the partner no longer trusts). */
    public void withdraw(String kid) {
        synchronized (published) {
            published.removeIf(k -> kid.equals(k.getKeyId()));
        }
    }

    /**
     * Pushes a SET as a transmitter does (RFC 8935): {@code application/secevent+jwt}, sent as text, with the push authorization
     * the partner was given (none if null). The answer is the caller's to check.
     */
    public static io.restassured.response.Response push(String baseUri, String endpoint, String authorization, String set) {
        var request = io.restassured.RestAssured.given().baseUri(baseUri).config(io.restassured.RestAssured.config().encoderConfig(
                        io.restassured.config.EncoderConfig.encoderConfig().encodeContentTypeAs(SECEVENT_JWT, io.restassured.http.ContentType.TEXT)))
                .contentType(SECEVENT_JWT).body(set);
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return request.post(endpoint);
    }

    private static final String SECEVENT_JWT = "application/secevent+jwt";

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

    private static final String TOKEN = "transmitter-token";
    private String stream;
    /** What receivers asked of the stream-management API: stream requests, deleted stream ids, verifications, polls. */
    public final List<String> requests = new ArrayList<>();
    public final List<String> deleted = new ArrayList<>();
    public final List<String> verifications = new ArrayList<>();
    public final List<String> polls = new ArrayList<>();
    private final java.util.Map<String, String> queued = new java.util.LinkedHashMap<>();

    /** A SET for the poll stream, given in every poll until acknowledged (or refused in setErrs). */
    public synchronized void queue(String jti, String set) {
        queued.put(jti, set);
        notifyAll(); // a poll held open returns with it
    }

    public synchronized boolean queueEmpty() {
        return queued.isEmpty();
    }

    public synchronized List<String> polls() {
        return List.copyOf(polls);
    }

    private static boolean authorized(com.sun.net.httpserver.HttpExchange exchange) throws IOException {
        if (("Bearer " + TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            return true;
        }
        reply(exchange, 401, "{\"error\":\"invalid_token\"}");
        return false;
    }

    private static String body(com.sun.net.httpserver.HttpExchange exchange) throws IOException {
        try (java.io.InputStream in = exchange.getRequestBody()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void reply(com.sun.net.httpserver.HttpExchange exchange, String body) throws IOException {
        reply(exchange, 200, body);
    }

    private static void reply(com.sun.net.httpserver.HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

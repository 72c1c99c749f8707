package dev.portcullis.testsupport;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.jose4j.lang.JoseException;

/**
 * One of the organization's applications as a test plays it: a push endpoint for SETs (RFC 8935) on 127.0.0.1 that keeps what it
 * is sent and answers 202, or, while told to be down, 503 (and keeps nothing). {@link #verify} checks a SET as a receiver must.
 */
public final class SsfReceiver implements AutoCloseable {

    private final HttpServer server;
    public final String endpoint;
    private final List<String> received = new ArrayList<>();
    private final List<String> authorizations = new ArrayList<>();
    private final AtomicInteger refusedWhileDown = new AtomicInteger();
    private volatile boolean down;
    private volatile java.util.function.Consumer<String> onPush = set -> { };

    public SsfReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        endpoint = "http://127.0.0.1:" + server.getAddress().getPort() + "/events";
        server.createContext("/events", exchange -> {
            String body;
            try (InputStream in = exchange.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            onPush.accept(body);
            if (down) {
                refusedWhileDown.incrementAndGet();
                exchange.sendResponseHeaders(503, -1);
            } else {
                synchronized (received) {
                    received.add(body);
                    authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
                }
                exchange.sendResponseHeaders(202, -1);
            }
            exchange.close();
        });
        server.start();
    }

    /** Runs before each push is answered (a slow application, or one that checks who pushes when). */
    public void onPush(java.util.function.Consumer<String> onPush) {
        this.onPush = onPush;
    }

    /** While down, every push is answered 503 and nothing is kept. */
    public void down(boolean down) {
        this.down = down;
    }

    public int refusedWhileDown() {
        return refusedWhileDown.get();
    }

    /** The SETs accepted so far, in the order they came. */
    public List<String> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    public List<String> authorizations() {
        synchronized (received) {
            return List.copyOf(authorizations);
        }
    }

    /** The claims of a SET that verifies against the transmitter's JWKS, with its issuer and our audience and {@code typ} secevent+jwt. */
    public static JwtClaims verify(String set, String jwksJson, String issuer, String audience) throws JoseException, InvalidJwtException {
        return new JwtConsumerBuilder().setVerificationKeyResolver(new JwksVerificationKeyResolver(new JsonWebKeySet(jwksJson).getJsonWebKeys()))
                .setExpectedIssuer(issuer).setExpectedAudience(audience).setRequireIssuedAt().setRequireJwtId().setExpectedType(true, "secevent+jwt").build().processToClaims(set);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

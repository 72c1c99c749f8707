package dev.portcullis.backbone.outbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The outbound guard as an attacker meets it: URLs into the platform's own networks, huge and endless answers, a rebinding name. */
class OutboundTest {

    private Vertx vertx;
    private HttpServer server;
    private String base;
    private final java.util.concurrent.CountDownLatch testOver = new java.util.concurrent.CountDownLatch(1);

    @BeforeEach
    void start() throws IOException {
        vertx = Vertx.vertx();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/small", exchange -> {
            byte[] body = "{\"keys\":[]}".getBytes();
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        // 10 MB, announced
        server.createContext("/huge", exchange -> {
            exchange.sendResponseHeaders(200, 10 * 1024 * 1024);
            write(exchange.getResponseBody(), 10 * 1024 * 1024);
            exchange.close();
        });
        // 10 MB, chunked: no length to refuse it by
        server.createContext("/endless", exchange -> {
            exchange.sendResponseHeaders(200, 0);
            write(exchange.getResponseBody(), 10 * 1024 * 1024);
            exchange.close();
        });
        // takes the request and never answers, until the test is over
        server.createContext("/silent", exchange -> {
            try {
                testOver.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        server.createContext("/redirect", exchange -> {
            exchange.getResponseHeaders().add("Location", "http://169.254.169.254/latest/meta-data/");
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private static void write(OutputStream out, int bytes) {
        byte[] chunk = new byte[64 * 1024];
        try {
            for (int sent = 0; sent < bytes; sent += chunk.length) {
                out.write(chunk);
            }
        } catch (IOException cutOff) {
            // the client hung up, as it should
        }
    }

    @AfterEach
    void stop() {
        testOver.countDown();
        server.stop(0);
        vertx.close();
    }

    private Outbound guard(boolean allowHttp, Set<String> privateHosts, Outbound.Resolver resolver) {
        return new Outbound(vertx, allowHttp, privateHosts, 1024 * 1024, Duration.ofSeconds(2), resolver);
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://127.0.0.1/", "https://127.1.2.3/", "https://localhost/", "https://10.0.0.8/", "https://172.16.5.4/",
            "https://192.168.1.1/", "https://169.254.169.254/latest/meta-data/", "https://100.64.0.1/", "https://100.127.255.254/",
            "https://0.0.0.0/", "https://[::1]/", "https://[::]/", "https://[fd00::1]/", "https://[fe80::1]/", "https://[::ffff:127.0.0.1]/",
            "https://[::ffff:169.254.169.254]/", "https://[64:ff9b::a9fe:a9fe]/", "https://[2002:a9fe:a9fe::1]/", "https://224.0.0.1/",
            "https://255.255.255.255/"})
    void aUrlIntoThePlatformsOwnNetworksIsRefusedBeforeAnyConnection(String url) {
        Outbound guard = guard(false, Set.of(), InetAddress::getAllByName);
        String refusal = guard.refusal(URI.create(url));
        assertTrue(refusal != null && refusal.contains("points into"), url + ": " + refusal);
        Outbound.Refused refused = assertThrows(Outbound.Refused.class, () -> guard.send(Outbound.Call.get(URI.create(url), Duration.ofSeconds(2))));
        assertTrue(refused.permanent());
    }

    @Test
    void publicAddressesPassAndPlainHttpOnlyWhereAllowed() {
        Outbound strict = guard(false, Set.of(), InetAddress::getAllByName);
        assertNull(strict.refusal(URI.create("https://93.184.215.14/")));
        assertNull(strict.refusal(URI.create("https://[2606:2800:21f:cb07:6820:80da:af6b:8b2c]/")));
        assertTrue(strict.refusal(URI.create("http://93.184.215.14/")).contains("is not an https URL"));
        assertTrue(strict.refusal(URI.create("file:///etc/passwd")).contains("is not an https URL"));
        assertNull(guard(true, Set.of(), InetAddress::getAllByName).refusal(URI.create("http://93.184.215.14/")));
    }

    @Test
    void aListedPrivateHostIsCalledAndItsAnswerReadWhole() {
        Outbound.Answer answer = guard(true, Set.of("127.0.0.1"), InetAddress::getAllByName).send(Outbound.Call.get(URI.create(base + "/small"), Duration.ofSeconds(2)));
        assertEquals(200, answer.status());
        assertEquals("{\"keys\":[]}", answer.body());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/huge", "/endless"})
    void anAnswerLargerThanAllowedIsCutOffAndRefused(String path) {
        Outbound guard = guard(true, Set.of("127.0.0.1"), InetAddress::getAllByName);
        Outbound.Refused refused = assertThrows(Outbound.Refused.class, () -> guard.send(Outbound.Call.get(URI.create(base + path), Duration.ofSeconds(5))));
        assertTrue(refused.getMessage().contains("too large"), refused.getMessage());
        assertTrue(refused.permanent());
        // and the guard is still fine for the next call
        assertEquals(200, guard.send(Outbound.Call.get(URI.create(base + "/small"), Duration.ofSeconds(2))).status());
    }

    @Test
    void anAnswerThatDoesNotComeInTimeIsGivenUp() {
        Outbound guard = guard(true, Set.of("127.0.0.1"), InetAddress::getAllByName);
        long started = System.nanoTime();
        Outbound.Refused refused = assertThrows(Outbound.Refused.class, () -> guard.send(Outbound.Call.get(URI.create(base + "/silent"), Duration.ofMillis(500))));
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        assertFalse(refused.permanent());
        assertTrue(tookMillis < 2_000, "gave up after " + tookMillis + " ms");
    }

    @Test
    void aRedirectIsNotFollowed() {
        Outbound.Answer answer = guard(true, Set.of("127.0.0.1"), InetAddress::getAllByName).send(Outbound.Call.get(URI.create(base + "/redirect"), Duration.ofSeconds(2)));
        assertEquals(302, answer.status());
    }

    /**
     * A name that answers with an allowed address when checked, and with the metadata service's the next time (DNS rebinding):
     * the guard resolves once and connects to the address it checked.
     */
    @Test
    void aRebindingNameCannotSlipIn() throws Exception {
        AtomicInteger lookups = new AtomicInteger();
        Outbound guard = guard(true, Set.of("127.0.0.1"), host -> {
            if (!host.equals("rebinding.example")) {
                return InetAddress.getAllByName(host);
            }
            return lookups.getAndIncrement() == 0 ? new InetAddress[] {InetAddress.getByName("127.0.0.1")}
                    : new InetAddress[] {InetAddress.getByName("169.254.169.254")};
        });
        URI url = URI.create("http://rebinding.example:" + server.getAddress().getPort() + "/small");
        assertEquals(200, guard.send(Outbound.Call.get(url, Duration.ofSeconds(2))).status());
        assertEquals(1, lookups.get(), "resolved once, connected to what was checked");
        Outbound.Refused refused = assertThrows(Outbound.Refused.class, () -> guard.send(Outbound.Call.get(url, Duration.ofSeconds(2))));
        assertTrue(refused.getMessage().contains("169.254.169.254"), refused.getMessage());
    }

    @Test
    void aNameResolvingToAPublicAndAPrivateAddressIsRefused() {
        Outbound guard = guard(false, Set.of(), host -> new InetAddress[] {InetAddress.getByName("93.184.215.14"), InetAddress.getByName("10.0.0.1")});
        assertTrue(guard.refusal(URI.create("https://mixed.example/")).contains("10.0.0.1"));
    }
}

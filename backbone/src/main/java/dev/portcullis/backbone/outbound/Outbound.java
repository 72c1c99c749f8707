package dev.portcullis.backbone.outbound;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The one way the platform calls a URL someone else named: a webhook's, a partner transmitter's (its configuration, keys,
 * token, stream management and poll endpoints), an application's push endpoint. Such a URL could point the platform at
 * what only it can reach (the cloud's metadata service, a database, its own admin port), or answer without end.
 * <ul>
 * <li>https only (http too where {@code portcullis.outbound.allow-http} is on, for local runs);</li>
 * <li>every address the host resolves to must be public: no loopback, private, link-local, CGNAT (100.64/10), unique-local,
 * NAT64 (64:ff9b::/96), 6to4 (2002::/16), multicast or reserved address, unless the host is listed in
 * {@code portcullis.outbound.private-hosts};</li>
 * <li>the connection goes to the address that was checked (the name is resolved once, here), so a name that answers
 * differently the second time (DNS rebinding) cannot slip in; TLS still verifies the name;</li>
 * <li>no redirect is followed; an answer is read up to {@code max-response-bytes} and within the call's time, whole.</li>
 * </ul>
 * Calls block: they are made from workers and request threads, never from an event loop.
 */
public final class Outbound {

    /** A call to make. {@code body} may be null. */
    public record Call(String method, URI url, Map<String, String> headers, String body, Duration timeout) {
        public static Call get(URI url, Duration timeout) {
            return new Call("GET", url, Map.of("Accept", "application/json"), null, timeout);
        }
    }

    /** What came back: status, headers (names in lower case, first value) and the whole body as text. */
    public record Answer(int status, Map<String, String> headers, String body) {
    }

    /** Why a call was not made or not read: {@code permanent} when the URL itself is refused or the answer is too large. */
    public static final class Refused extends RuntimeException {
        private final boolean permanent;

        Refused(String message, boolean permanent, Throwable cause) {
            super(message, cause);
            this.permanent = permanent;
        }

        /** True when trying again cannot help: the URL is not allowed, or its answer is larger than allowed. */
        public boolean permanent() {
            return permanent;
        }
    }

    /** How a host's addresses are found: the system's resolver, or a test's. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private final HttpClient client;
    private final boolean allowHttp;
    private final Set<String> privateHosts;
    private final int maxResponseBytes;
    private final Resolver resolver;

    public Outbound(Vertx vertx, boolean allowHttp, Set<String> privateHosts, int maxResponseBytes, Duration connectTimeout, Resolver resolver) {
        this.client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout((int) connectTimeout.toMillis()).setVerifyHost(true)
                .setForceSni(true).setMaxPoolSize(32).setKeepAlive(true).setTryUseCompression(false));
        this.allowHttp = allowHttp;
        this.privateHosts = privateHosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).collect(java.util.stream.Collectors.toUnmodifiableSet());
        this.maxResponseBytes = maxResponseBytes;
        this.resolver = resolver;
    }

    /** Why {@code url} may not be called, or null if it may (its host resolved now). For checking a URL when it is given. */
    public String refusal(URI url) {
        try {
            target(url);
            return null;
        } catch (Refused e) {
            return e.getMessage();
        }
    }

    /** Makes the call; {@link Refused} if the URL is not allowed, no answer came in time, or the answer is too large. */
    public Answer send(Call call) {
        if (Context.isOnEventLoopThread()) {
            throw new IllegalStateException("an outbound call blocks: not on an event loop");
        }
        Target target = target(call.url());
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.valueOf(call.method())).setAbsoluteURI(call.url().toString())
                .setServer(SocketAddress.inetSocketAddress(target.port(), target.address().getHostAddress())).setFollowRedirects(false)
                .setIdleTimeout(call.timeout().toMillis());
        call.headers().forEach(options::putHeader);
        AtomicReference<HttpClientRequest> sent = new AtomicReference<>();
        Future<Answer> answer = client.request(options).compose(request -> {
            sent.set(request);
            Future<io.vertx.core.http.HttpClientResponse> response = call.body() == null ? request.send() : request.send(Buffer.buffer(call.body(), "UTF-8"));
            return response.compose(r -> read(request, r));
        });
        try {
            return answer.toCompletionStage().toCompletableFuture().get(call.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            HttpClientRequest request = sent.get();
            if (request != null) {
                request.reset();
            }
            throw new Refused("no whole answer from " + call.url() + " within " + call.timeout().toMillis() + " ms", false, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Refused refused) {
                throw refused;
            }
            throw new Refused("no answer from " + call.url() + ": " + cause, false, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Refused("interrupted calling " + call.url(), false, e);
        }
    }

    /** The answer, read whole if it is no larger than allowed; a larger one is cut off at once. */
    private Future<Answer> read(HttpClientRequest request, io.vertx.core.http.HttpClientResponse response) {
        String length = response.getHeader("content-length");
        if (length != null && length.chars().allMatch(Character::isDigit) && length.length() < 19 && Long.parseLong(length) > maxResponseBytes) {
            request.reset();
            return Future.failedFuture(tooLarge(request, length + " bytes"));
        }
        Promise<Answer> done = Promise.promise();
        Buffer body = Buffer.buffer();
        response.handler(chunk -> {
            if (body.length() + chunk.length() > maxResponseBytes) {
                done.tryFail(tooLarge(request, "more than " + maxResponseBytes + " bytes")); // first: the reset fails it too
                request.reset();
            } else {
                body.appendBuffer(chunk);
            }
        });
        response.exceptionHandler(done::tryFail);
        response.endHandler(v -> {
            Map<String, String> headers = new LinkedHashMap<>();
            response.headers().forEach(h -> headers.putIfAbsent(h.getKey().toLowerCase(Locale.ROOT), h.getValue()));
            done.tryComplete(new Answer(response.statusCode(), headers, body.toString(StandardCharsets.UTF_8)));
        });
        return done.future();
    }

    private Refused tooLarge(HttpClientRequest request, String size) {
        return new Refused("the answer from " + request.absoluteURI() + " is too large (" + size + "; at most " + maxResponseBytes + ")", true, null);
    }

    private record Target(InetAddress address, int port) {
    }

    /** The checked address to connect to, or {@link Refused} saying why there is none. */
    private Target target(URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("https") || allowHttp && scheme.equals("http"))) {
            throw new Refused(url + " is not an " + (allowHttp ? "http(s)" : "https") + " URL", true, null);
        }
        String host = url.getHost();
        if (host == null || host.isBlank()) {
            throw new Refused(url + " has no host", true, null);
        }
        String bare = (host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host).toLowerCase(Locale.ROOT);
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(bare);
        } catch (UnknownHostException e) {
            throw new Refused(url + " names a host that does not resolve (" + bare + ")", false, e);
        }
        if (addresses.length == 0) {
            throw new Refused(url + " names a host that does not resolve (" + bare + ")", false, null);
        }
        if (!privateHosts.contains(bare)) {
            for (InetAddress address : addresses) {
                String why = forbidden(address);
                if (why != null && !privateHosts.contains(address.getHostAddress())) {
                    throw new Refused(url + " points into " + why + " (" + address.getHostAddress() + ")", true, null);
                }
            }
        }
        int port = url.getPort() != -1 ? url.getPort() : scheme.equals("https") ? 443 : 80;
        return new Target(addresses[0], port);
    }

    /** What non-public network {@code address} is in, or null if it is public. */
    static String forbidden(InetAddress address) {
        if (address.isLoopbackAddress()) {
            return "the loopback network";
        }
        if (address.isAnyLocalAddress()) {
            return "the unspecified address";
        }
        if (address.isLinkLocalAddress()) {
            return "a link-local network (the cloud's metadata service)";
        }
        if (address.isSiteLocalAddress()) {
            return "a private network";
        }
        if (address.isMulticastAddress()) {
            return "a multicast group";
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            int a0 = b[0] & 0xff;
            int a1 = b[1] & 0xff;
            if (a0 == 100 && (a1 & 0xc0) == 64) {
                return "a carrier-grade NAT network (100.64.0.0/10)";
            }
            if (a0 == 0 || a0 >= 240 || a0 == 192 && a1 == 0 && (b[2] & 0xff) == 0 || a0 == 198 && (a1 == 18 || a1 == 19)) {
                return "a reserved network";
            }
            return null;
        }
        if (address instanceof Inet6Address v6) {
            if ((b[0] & 0xfe) == 0xfc) {
                return "a unique-local network (fc00::/7)";
            }
            if (b[0] == 0x00 && b[1] == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b) {
                return "a NAT64 network (64:ff9b::/96)";
            }
            if (b[0] == 0x20 && b[1] == 0x02) {
                return "a 6to4 network (2002::/16)";
            }
            if (v6.isIPv4CompatibleAddress() || (b[0] & 0xff) == 0xfe && (b[1] & 0xc0) == 0xc0) {
                return "a reserved network";
            }
        }
        return null;
    }
}

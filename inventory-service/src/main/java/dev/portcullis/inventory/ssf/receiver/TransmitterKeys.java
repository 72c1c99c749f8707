package dev.portcullis.inventory.ssf.receiver;

import dev.portcullis.inventory.domain.PartnerTransmitter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.backbone.outbound.Outbound;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.lang.JoseException;

/**
 * The signing keys of the partners' transmitters, fetched from each one's {@code jwks_uri} and kept in memory for
 * {@code portcullis.inventory.ssf.jwks-cache-for} (every instance fetches again after it, so a key the partner withdrew stops
 * verifying). A SET whose {@code kid} is not in a set fetched after the SET arrived makes a refetch, one at a time per partner:
 * SETs arriving while it runs wait for it, and a key rotated a moment after an earlier refetch is still found. A key not in a
 * set fetched after the SET arrived is not the transmitter's. When the set cannot be fetched, {@link KeysUnavailable}: the
 * transmitter is to try again, since a final refusal would lose the signal.
 */
@ApplicationScoped
public class TransmitterKeys {

    private static final Logger LOG = Logger.getLogger(TransmitterKeys.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @Inject
    ObjectMapper json;

    @Inject
    dev.portcullis.inventory.config.InventorySettings settings;

    @Inject
    Outbound outbound;
    private final Map<UUID, Fetched> keys = new ConcurrentHashMap<>();
    /** The fetch under way per partner: single flight, never a cool-down that a later honest key would hit. */
    private final Map<UUID, CompletableFuture<Fetched>> fetching = new ConcurrentHashMap<>();

    private record Fetched(String jwksUri, JsonWebKeySet set, long startedAtNanos) {
    }

    /** The transmitter's keys cannot be read now (unreachable, not 200, not a JWKS): a SET that needs them is to come again. */
    public static class KeysUnavailable extends RuntimeException {
        KeysUnavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The transmitter's {@code jwks_uri}, from its SSF configuration; the configuration must name the same issuer. */
    public String jwksUriOf(String issuer) {
        return configurationOf(issuer).path("jwks_uri").asText();
    }

    /** The transmitter's SSF configuration (its metadata): it must name the same issuer and a {@code jwks_uri}. */
    public JsonNode configurationOf(String issuer) {
        String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
        URI uri = URI.create(base);
        // SSF 1.0: the well-known path goes between the host and the issuer's own path; many transmitters also serve it after it
        String inserted = uri.getScheme() + "://" + uri.getRawAuthority() + "/.well-known/ssf-configuration" + (uri.getRawPath() == null ? "" : uri.getRawPath());
        for (String candidate : inserted.equals(base + "/.well-known/ssf-configuration") ? new String[] {inserted}
                : new String[] {inserted, base + "/.well-known/ssf-configuration"}) {
            JsonNode config = get(candidate);
            if (config != null) {
                if (!issuer.equals(config.path("issuer").asText())) {
                    throw new IllegalArgumentException("its SSF configuration names the issuer '" + config.path("issuer").asText() + "'");
                }
                if (config.path("jwks_uri").asText("").isBlank()) {
                    throw new IllegalArgumentException("its SSF configuration has no jwks_uri");
                }
                String refusal = refusal(config.path("jwks_uri").asText());
                if (refusal != null) {
                    throw new IllegalArgumentException("its SSF configuration's jwks_uri: " + refusal);
                }
                return config;
            }
        }
        throw new IllegalArgumentException("no SSF configuration at " + inserted);
    }

    /**
     * The key {@code kid} names (the only key, if there is no kid), or null when a set fetched after this call began has none;
     * {@link KeysUnavailable} when no such set can be had now.
     */
    public JsonWebKey key(PartnerTransmitter transmitter, String kid) {
        long arrived = System.nanoTime();
        Fetched fetched = keys.get(transmitter.partnerId);
        if (fetched == null || !fetched.jwksUri().equals(transmitter.jwksUri)
                || arrived - fetched.startedAtNanos() >= settings.ssf().jwksCacheFor().toNanos()) {
            fetched = fetchedSince(transmitter, arrived);
        }
        JsonWebKey key = find(fetched, kid);
        if (key == null && fetched.startedAtNanos() < arrived) {
            // the set was fetched before this SET came: the transmitter may have rotated since
            key = find(fetchedSince(transmitter, arrived), kid);
        }
        return key;
    }

    /** A set whose fetch began at or after {@code since}: the one under way if it began late enough, else a new one. */
    private Fetched fetchedSince(PartnerTransmitter transmitter, long since) {
        while (true) {
            CompletableFuture<Fetched> mine = new CompletableFuture<>();
            CompletableFuture<Fetched> running = fetching.putIfAbsent(transmitter.partnerId, mine);
            if (running == null) {
                try {
                    Fetched fetched = fetch(transmitter);
                    keys.put(transmitter.partnerId, fetched);
                    mine.complete(fetched);
                    return fetched;
                } catch (RuntimeException e) {
                    mine.completeExceptionally(e);
                    throw e;
                } finally {
                    fetching.remove(transmitter.partnerId, mine);
                }
            }
            Fetched theirs;
            try {
                theirs = running.join();
            } catch (java.util.concurrent.CompletionException e) {
                throw e.getCause() instanceof KeysUnavailable unavailable ? unavailable : new KeysUnavailable(e.getCause().getMessage(), e.getCause());
            }
            if (theirs.startedAtNanos() - since >= 0 && theirs.jwksUri().equals(transmitter.jwksUri)) {
                return theirs;
            }
            // it began before we were asked: the next one answers
        }
    }

    /** Forgets a partner's keys (its transmitter changed or was disconnected). */
    public void forget(UUID partnerId) {
        keys.remove(partnerId);
    }

    private static JsonWebKey find(Fetched fetched, String kid) {
        if (fetched.set() == null) {
            return null;
        }
        if (kid == null) {
            return fetched.set().getJsonWebKeys().size() == 1 ? fetched.set().getJsonWebKeys().get(0) : null;
        }
        return fetched.set().getJsonWebKeys().stream().filter(k -> kid.equals(k.getKeyId()) && !"enc".equals(k.getUse())).findFirst().orElse(null);
    }

    private Fetched fetch(PartnerTransmitter transmitter) {
        long started = System.nanoTime();
        try {
            JsonNode body = get(transmitter.jwksUri);
            if (body == null) {
                throw new KeysUnavailable("the transmitter's keys at " + transmitter.jwksUri + " are not there now", null);
            }
            return new Fetched(transmitter.jwksUri, new JsonWebKeySet(body.toString()), started);
        } catch (JoseException | IllegalArgumentException e) {
            LOG.warnf("partner=%s: the transmitter's keys at %s could not be read: %s", transmitter.partnerId, transmitter.jwksUri, e.toString());
            throw new KeysUnavailable("the transmitter's keys at " + transmitter.jwksUri + " cannot be read now: " + e.getMessage(), e);
        }
    }

    /** Why the platform may not call {@code url}, a partner's (null if it may). */
    String refusal(String url) {
        try {
            return outbound.refusal(URI.create(url));
        } catch (IllegalArgumentException e) {
            return url + " is not a URL";
        }
    }

    /** The JSON at {@code url}, or null if it is not there (any status but 200); an IllegalArgumentException if it cannot be read. */
    JsonNode get(String url) {
        try {
            Outbound.Answer answer = outbound.send(Outbound.Call.get(URI.create(url), TIMEOUT));
            return answer.status() == 200 ? json.readTree(answer.body()) : null;
        } catch (Outbound.Refused e) {
            throw new IllegalArgumentException("cannot read " + url + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException(url + " is not JSON: " + e.getMessage(), e);
        }
    }
}

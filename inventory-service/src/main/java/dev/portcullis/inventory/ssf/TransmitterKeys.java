package dev.portcullis.inventory.ssf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.lang.JoseException;

/**
 * The signing keys of the partners' transmitters, fetched from each one's {@code jwks_uri} and kept in memory. A SET signed
 * with a key not in the set makes one refetch (a transmitter that rotated its keys), at most once per
 * {@code portcullis.inventory.ssf.jwks-refetch-every} per partner, so a flood of unknown {@code kid}s cannot make us hammer the transmitter.
 */
@ApplicationScoped
public class TransmitterKeys {

    private static final Logger LOG = Logger.getLogger(TransmitterKeys.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @Inject
    ObjectMapper json;

    @Inject
    dev.portcullis.inventory.config.InventorySettings settings;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
    private final Map<UUID, Fetched> keys = new ConcurrentHashMap<>();

    private record Fetched(String jwksUri, JsonWebKeySet set, long fetchedAtNanos) {
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
                return config;
            }
        }
        throw new IllegalArgumentException("no SSF configuration at " + inserted);
    }

    /** The key {@code kid} names (the only key, if there is no kid), refetching the set once if it is not known; null if none. */
    public JsonWebKey key(PartnerTransmitter transmitter, String kid) {
        Fetched fetched = keys.get(transmitter.partnerId);
        if (fetched == null || !fetched.jwksUri().equals(transmitter.jwksUri)) {
            fetched = fetch(transmitter);
        }
        JsonWebKey key = find(fetched, kid);
        if (key == null && System.nanoTime() - fetched.fetchedAtNanos() >= settings.ssf().jwksRefetchEvery().toNanos()) {
            key = find(fetch(transmitter), kid);
        }
        return key;
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
        JsonWebKeySet set = null;
        try {
            JsonNode body = get(transmitter.jwksUri);
            set = body == null ? null : new JsonWebKeySet(body.toString());
        } catch (JoseException | RuntimeException e) {
            LOG.warnf("partner=%s: the transmitter's keys at %s could not be read: %s", transmitter.partnerId, transmitter.jwksUri, e.toString());
        }
        Fetched fetched = new Fetched(transmitter.jwksUri, set, System.nanoTime());
        keys.put(transmitter.partnerId, fetched);
        return fetched;
    }

    /** The JSON at {@code url}, or null if it is not there (any status but 200). */
    JsonNode get(String url) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).header("Accept", "application/json")
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? json.readTree(response.body()) : null;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + url + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

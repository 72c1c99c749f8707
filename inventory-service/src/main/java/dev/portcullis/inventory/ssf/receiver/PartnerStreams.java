package dev.portcullis.inventory.ssf.receiver;

import dev.portcullis.inventory.domain.DeliveryMethod;
import dev.portcullis.inventory.domain.SsfStream;
import dev.portcullis.inventory.domain.PartnerTransmitter;
import static dev.portcullis.inventory.ssf.EventTypes.RISC;
import static dev.portcullis.inventory.ssf.EventTypes.SESSION_REVOKED;
import static dev.portcullis.inventory.ssf.EventTypes.CREDENTIAL_CHANGE;
import static dev.portcullis.inventory.ssf.EventTypes.IDENTIFIER_CHANGED;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.backbone.outbound.Outbound;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Portcullis as a receiver at a partner's transmitter: it makes and keeps the partner's stream through the transmitter's SSF
 * stream-management API (SSF 1.0 §8), with a client-credentials token of a client the partner gave us, asks for verification,
 * reads the stream's status, and polls a poll stream (RFC 8936). Everything here goes over the network: callers use it outside
 * their transactions.
 */
@ApplicationScoped
public class PartnerStreams {

    private static final Logger LOG = Logger.getLogger(PartnerStreams.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** What Portcullis asks a partner's transmitter for: what it acts on, and what it records. */
    static final List<String> EVENTS_REQUESTED = List.of(RISC + "account-disabled", RISC + "account-purged",
            RISC + "account-enabled", RISC + "credential-compromise", IDENTIFIER_CHANGED,
            SESSION_REVOKED, CREDENTIAL_CHANGE);

    @Inject
    ObjectMapper json;

    @Inject
    TransmitterKeys keys;

    /** The longest one poll may take: a token from the partner, then the poll's wait and its answer. */
    Duration longestPoll(Duration wait) {
        return TIMEOUT.multipliedBy(2).plus(wait);
    }

    @Inject
    Outbound outbound;
    private final Map<UUID, Token> tokens = new ConcurrentHashMap<>();

    private record Token(String value, long expiresAtNanos) {
    }

    /** The credentials of a client of the partner's IdP, and how the stream delivers: PUSH or POLL. */
    public record Credentials(String clientId, String clientSecret, String scope) {
    }

    /** The stream made at the transmitter, as its answer says. */
    public record Made(String tokenEndpoint, String configurationEndpoint, String statusEndpoint, String verificationEndpoint, String streamId,
            String audience, String pollEndpoint) {
    }

    /**
     * Makes the partner's stream at its transmitter, after deleting any stream the client had there (a transmitter keeps one per
     * receiver): push to {@code pushEndpoint} with {@code pushAuthorization}, or poll. Throws IllegalArgumentException saying
     * what the transmitter refused.
     */
    Made create(UUID partnerId, String issuer, JsonNode configuration, Credentials credentials, boolean push, String pushEndpoint,
            String pushAuthorization) {
        String configurationEndpoint = required(configuration, "configuration_endpoint");
        JsonNode discovery = keys.get(issuer + "/.well-known/openid-configuration");
        if (discovery == null || discovery.path("token_endpoint").asText("").isBlank()) {
            throw new IllegalArgumentException("the issuer has no OpenID configuration naming a token_endpoint");
        }
        String tokenEndpoint = discovery.path("token_endpoint").asText();
        tokens.remove(partnerId);
        String token = token(partnerId, tokenEndpoint, credentials);
        Response existing = send("GET", configurationEndpoint, token, null);
        if (existing.status() == 200 && existing.body() != null) {
            for (JsonNode stream : existing.body().isArray() ? existing.body() : json.createArrayNode().add(existing.body())) {
                if (stream.hasNonNull("stream_id")) {
                    send("DELETE", configurationEndpoint + "?stream_id=" + encode(stream.get("stream_id").asText()), token, null);
                    LOG.infof("partner=%s: the earlier stream %s at %s deleted", partnerId, stream.get("stream_id").asText(), issuer);
                }
            }
        }
        ObjectNode delivery = json.createObjectNode().put("method", (push ? DeliveryMethod.PUSH : DeliveryMethod.POLL).uri());
        if (push) {
            delivery.put("endpoint_url", pushEndpoint).put("authorization_header", pushAuthorization);
        }
        ObjectNode request = json.createObjectNode();
        request.set("delivery", delivery);
        request.set("events_requested", json.valueToTree(EVENTS_REQUESTED));
        request.put("description", "Portcullis: guests of this partner");
        Response made = send("POST", configurationEndpoint, token, request);
        if (made.status() != 200 && made.status() != 201 || made.body() == null || !made.body().hasNonNull("stream_id")) {
            throw new IllegalArgumentException("the transmitter refused the stream: HTTP " + made.status() + " " + made.text());
        }
        JsonNode aud = made.body().path("aud");
        String audience = aud.isArray() ? aud.path(0).asText(null) : aud.asText(null);
        String pollEndpoint = push ? null : made.body().path("delivery").path("endpoint_url").asText(null);
        if (!push && pollEndpoint == null) {
            throw new IllegalArgumentException("the transmitter made a poll stream without saying where to poll it");
        }
        return new Made(tokenEndpoint, configurationEndpoint, configuration.path("status_endpoint").asText(null),
                configuration.path("verification_endpoint").asText(null), made.body().get("stream_id").asText(), audience, pollEndpoint);
    }

    /** Asks the transmitter for a verification event carrying {@code state}; true if it took the request. */
    boolean verify(PartnerTransmitter t, String state) {
        if (t.verificationEndpoint == null) {
            return false;
        }
        try {
            Response answer = send("POST", t.verificationEndpoint, token(t), json.createObjectNode().put("stream_id", t.streamId).put("state", state));
            return answer.status() / 100 == 2;
        } catch (IllegalArgumentException e) {
            LOG.warnf("partner=%s: verification not asked: %s", t.partnerId, e.getMessage());
            return false;
        }
    }

    /** The stream's status at the transmitter (enabled, paused, disabled), or {@code unknown: <why>}. */
    String status(PartnerTransmitter t) {
        if (t.statusEndpoint == null) {
            return "unknown: the transmitter has no status endpoint";
        }
        try {
            Response answer = send("GET", t.statusEndpoint + "?stream_id=" + encode(t.streamId), token(t), null);
            return answer.status() == 200 && answer.body() != null ? answer.body().path("status").asText("unknown")
                    : "unknown: HTTP " + answer.status();
        } catch (IllegalArgumentException e) {
            return "unknown: " + e.getMessage();
        }
    }

    /** Deletes the stream at the transmitter; a failure is logged (the partner's admin can delete it there). */
    void delete(PartnerTransmitter t) {
        try {
            send("DELETE", t.configurationEndpoint + "?stream_id=" + encode(t.streamId), token(t), null);
        } catch (IllegalArgumentException e) {
            LOG.warnf("partner=%s: the stream %s could not be deleted at the transmitter: %s", t.partnerId, t.streamId, e.getMessage());
        }
        tokens.remove(t.partnerId);
    }

    /** One poll (RFC 8936): settles {@code acks} and {@code errors}, returns what came (jti to SET) and whether more wait. */
    record Polled(Map<String, String> sets, boolean moreAvailable) {
    }

    Polled poll(PartnerTransmitter t, List<String> acks, Map<String, Map<String, String>> errors, Duration wait) {
        // long polling where the transmitter supports it: it may hold the request until a SET comes (RFC 8936 §2.4); one that does
        // not answers at once, as Keycloak does
        ObjectNode request = json.createObjectNode().put("maxEvents", 100).put("returnImmediately", wait.isZero());
        request.set("ack", json.valueToTree(acks));
        if (!errors.isEmpty()) {
            request.set("setErrs", json.valueToTree(errors));
        }
        Response answer = send("POST", t.pollEndpoint, token(t), request, TIMEOUT.plus(wait));
        if (answer.status() == 401) {
            tokens.remove(t.partnerId); // expired early, or revoked: a new one next time
        }
        if (answer.status() != 200 || answer.body() == null) {
            throw new IllegalArgumentException("poll answered HTTP " + answer.status() + " " + answer.text());
        }
        Map<String, String> sets = new LinkedHashMap<>();
        answer.body().path("sets").fields().forEachRemaining(e -> sets.put(e.getKey(), e.getValue().asText()));
        return new Polled(sets, answer.body().path("moreAvailable").asBoolean(false));
    }

    private String token(PartnerTransmitter t) {
        return token(t.partnerId, t.tokenEndpoint, new Credentials(t.clientId, t.clientSecret, t.scope));
    }

    /** A client-credentials token for the partner's stream management, kept until shortly before it expires. */
    private String token(UUID partnerId, String tokenEndpoint, Credentials credentials) {
        Token cached = tokens.get(partnerId);
        if (cached != null && System.nanoTime() < cached.expiresAtNanos()) {
            return cached.value();
        }
        String form = "grant_type=client_credentials&client_id=" + encode(credentials.clientId()) + "&client_secret=" + encode(credentials.clientSecret())
                + (credentials.scope() == null || credentials.scope().isBlank() ? "" : "&scope=" + encode(credentials.scope()));
        try {
            Outbound.Answer response = outbound.send(new Outbound.Call("POST", URI.create(tokenEndpoint),
                    Map.of("Content-Type", "application/x-www-form-urlencoded", "Accept", "application/json"), form, TIMEOUT));
            JsonNode body = response.status() == 200 ? json.readTree(response.body()) : null;
            if (body == null || body.path("access_token").asText("").isBlank()) {
                throw new IllegalArgumentException("the partner's IdP gave no token to client " + credentials.clientId() + ": HTTP "
                        + response.status() + " " + truncate(response.body()));
            }
            long lifetime = Math.max(10, body.path("expires_in").asLong(60) - 30);
            tokens.put(partnerId, new Token(body.path("access_token").asText(), System.nanoTime() + Duration.ofSeconds(lifetime).toNanos()));
            return body.path("access_token").asText();
        } catch (Outbound.Refused | IOException e) {
            throw new IllegalArgumentException("the partner's IdP cannot be reached at " + tokenEndpoint + ": " + e.getMessage(), e);
        }
    }

    private record Response(int status, JsonNode body, String text) {
    }

    private Response send(String method, String url, String token, JsonNode body) {
        return send(method, url, token, body, TIMEOUT);
    }

    private Response send(String method, String url, String token, JsonNode body, Duration timeout) {
        try {
            Map<String, String> headers = new java.util.HashMap<>(Map.of("Authorization", "Bearer " + token, "Accept", "application/json"));
            if (body != null) {
                headers.put("Content-Type", "application/json");
            }
            Outbound.Answer response = outbound.send(new Outbound.Call(method, URI.create(url), headers, body == null ? null : json.writeValueAsString(body), timeout));
            JsonNode parsed = null;
            try {
                parsed = response.body().isBlank() ? null : json.readTree(response.body());
            } catch (IOException notJson) {
                // an error page: its text says what happened
            }
            return new Response(response.status(), parsed, truncate(response.body()));
        } catch (Outbound.Refused | IOException e) {
            throw new IllegalArgumentException("the partner's transmitter cannot be reached at " + url + ": " + e.getMessage(), e);
        }
    }

    /** An endpoint the partner's configuration names, which the platform may call. */
    private String required(JsonNode configuration, String field) {
        String value = configuration.path(field).asText("");
        if (value.isBlank()) {
            throw new IllegalArgumentException("its SSF configuration has no " + field + ": Portcullis cannot manage a stream there");
        }
        String refusal = keys.refusal(value);
        if (refusal != null) {
            throw new IllegalArgumentException("its SSF configuration's " + field + ": " + refusal);
        }
        return value;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String truncate(String s) {
        return s == null ? "" : s.length() > 300 ? s.substring(0, 300) : s;
    }
}

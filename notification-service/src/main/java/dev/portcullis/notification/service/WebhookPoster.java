package dev.portcullis.notification.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.backbone.outbound.Outbound;
import dev.portcullis.notification.domain.Notification;
import dev.portcullis.notification.domain.Webhook;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Posts a message to a webhook endpoint as JSON, signed as Standard Webhooks says: {@code webhook-id} (the
 * message's id, the same on every attempt, so a receiver drops a repeat), {@code webhook-timestamp} (Unix
 * seconds) and {@code webhook-signature} ({@code v1,} and the base64 HMAC-SHA256 of
 * {@code id.timestamp.body} under the endpoint's key), so receivers verify it with the specification's
 * published libraries. A 2xx delivers it; a 4xx other than 408 and 429 refuses it for good; anything else
 * (5xx, 408, 429, no answer in {@link #TIMEOUT}) is tried again with the message's back-off.
 */
@ApplicationScoped
public class WebhookPoster {

    /** Shorter than the sender's claim, like a mail's timeout: a post still waiting is never made twice at once. */
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    static final String SECRET_PREFIX = "whsec_";

    @Inject
    ObjectMapper json;

    @Inject
    Clock clock;

    @Inject
    Outbound outbound;

    /** The endpoint did not take the message: its status, and whether trying again could help. */
    public static final class Refused extends RuntimeException {
        final boolean permanent;

        Refused(String message, boolean permanent) {
            super(message);
            this.permanent = permanent;
        }
    }

    public void post(Notification message, Webhook endpoint) {
        String body = payload(message);
        long timestamp = clock.instant().getEpochSecond();
        String id = message.id.toString();
        Map<String, String> headers = Map.of("Content-Type", "application/json", "User-Agent", "Portcullis-Webhooks/1", "webhook-id", id,
                "webhook-timestamp", Long.toString(timestamp), "webhook-signature", "v1," + signature(endpoint.secret, id, timestamp, body));
        int status;
        try {
            // the guard checks the URL again before each post: the name may point elsewhere since the endpoint was added
            status = outbound.send(new Outbound.Call("POST", URI.create(endpoint.url), headers, body, TIMEOUT)).status();
        } catch (Outbound.Refused e) {
            throw new Refused(endpoint.url + ": " + e.getMessage(), e.permanent());
        }
        if (status >= 200 && status < 300) {
            return;
        }
        boolean permanent = status >= 400 && status < 500 && status != 408 && status != 429;
        throw new Refused("HTTP " + status + " from " + endpoint.url, permanent);
    }

    /** What a receiver gets: the message as its recipient reads it, and what it is about. */
    private String payload(Notification message) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", message.id.toString());
        data.put("type", message.type.name());
        data.put("recipient", message.recipient);
        data.put("subject", message.subject);
        data.put("text", message.body);
        data.put("causeId", message.causeId);
        data.put("guestId", message.guestId == null ? null : message.guestId.toString());
        data.put("createdAt", message.createdAt.toString());
        try {
            return json.writeValueAsString(data);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String signature(String secret, String id, long timestamp, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key(secret), "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The signing key of a {@code whsec_} secret; an IllegalArgumentException if it is none. */
    public static byte[] key(String secret) {
        if (secret == null || !secret.startsWith(SECRET_PREFIX)) {
            throw new IllegalArgumentException("a secret starts with " + SECRET_PREFIX);
        }
        byte[] key = Base64.getDecoder().decode(secret.substring(SECRET_PREFIX.length()));
        if (key.length < 24 || key.length > 64) {
            throw new IllegalArgumentException("a secret's key is 24 to 64 bytes");
        }
        return key;
    }

    /** A new secret: 32 random bytes. */
    public static String newSecret() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return SECRET_PREFIX + Base64.getEncoder().encodeToString(key);
    }
}

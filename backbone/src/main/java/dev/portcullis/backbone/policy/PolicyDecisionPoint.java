package dev.portcullis.backbone.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.backbone.config.PortcullisSettings;
import dev.portcullis.backbone.problem.UnavailableProblem;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Asks policy-service's AuthZEN evaluation endpoint, as the {@code portcullis-pdp} client (client
 * credentials, the token kept until shortly before it expires). Each configured URL is tried in turn
 * within one deadline; if none answers, the caller gets a 503 and nothing is created: fail closed.
 */
@ApplicationScoped
public class PolicyDecisionPoint {

    private static final Logger LOG = Logger.getLogger(PolicyDecisionPoint.class);

    @Inject
    PortcullisSettings platform;

    @Inject
    ObjectMapper json;

    private HttpClient http;
    private volatile String token;
    private volatile Instant tokenExpires = Instant.EPOCH;
    private volatile URI tokenEndpoint;

    /** What policy-service said: allowed or not, and why, what the caller must do, and what report-only policies would have said. */
    public record Answer(boolean allowed, List<Map<String, Object>> reasons, List<Map<String, Object>> obligations,
            List<Map<String, Object>> findings, String decisionId) {
    }

    private List<String> urls;
    private String clientSecret;

    /** Only a service that turned the checks on needs the URLs and the secret; without them it does not start. */
    void start(@Observes StartupEvent event) {
        PortcullisSettings.Pdp settings = platform.pdp();
        http = HttpClient.newBuilder().connectTimeout(settings.timeout()).build();
        if (!settings.enabled()) {
            return;
        }
        urls = settings.urls();
        if (urls.contains(PortcullisSettings.Pdp.UNSET)) {
            throw new IllegalStateException("portcullis.pdp.urls (PORTCULLIS_POLICY_URLS) is required: policy checks are on (portcullis.pdp.enabled)");
        }
        clientSecret = settings.clientSecret();
        if (clientSecret.equals(PortcullisSettings.Pdp.UNSET)) {
            throw new IllegalStateException("portcullis.pdp.client-secret (PORTCULLIS_PDP_CLIENT_SECRET) is required: policy checks are on"
                    + " (portcullis.pdp.enabled)");
        }
        // the realm's discovery and a first token, fetched now rather than inside the first decision's deadline (a cold
        // identity provider can take longer than that); if it is not up yet, the first decision fetches them
        java.util.concurrent.CompletableFuture.runAsync(() -> {
            try {
                token(Duration.ofSeconds(30));
            } catch (IOException | RuntimeException e) {
                LOG.debugf("no token for policy-service at start-up (%s): the first decision asks again", e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /** For a service that asks policy-service, at its start: says loudly what goes unchecked while the checks are off. */
    public void warnIfOff(String unchecked) {
        if (!enabled()) {
            LOG.warnf("policy checks are OFF (portcullis.pdp.enabled=false): %s", unchecked);
        }
    }

    /** Whether the service asks policy-service (its own tests run without one). */
    public boolean enabled() {
        return platform.pdp().enabled();
    }

    /** The decision on an AuthZEN evaluation request; a 503 {@link UnavailableProblem} if policy-service cannot give one in time. */
    public Answer decide(Map<String, Object> request) {
        return answer(ask("/access/v1/evaluation", request));
    }

    /**
     * The decisions on an AuthZEN evaluations (batch) request, in the order of its {@code evaluations}; a 503
     * {@link UnavailableProblem} if policy-service cannot give them in time.
     */
    public List<Answer> decideAll(Map<String, Object> request) {
        List<Answer> answers = new ArrayList<>();
        ask("/access/v1/evaluations", request).path("evaluations").forEach(e -> answers.add(answer(e)));
        return answers;
    }

    /**
     * policy-service's answer to {@code request} at {@code path}. The URLs are tried in turn, and again after a
     * short pause while time is left: an instance that is restarting, or a kept connection to one that went
     * away, costs a retry, not the request. A refusal of the request itself (4xx other than 401) is not retried.
     */
    private JsonNode ask(String path, Map<String, Object> request) {
        PortcullisSettings.Pdp settings = platform.pdp();
        Instant deadline = Instant.now().plus(settings.timeout());
        List<String> failures = new ArrayList<>();
        long pauseMillis = 25;
        rounds:
        while (true) {
            for (String url : urls) {
                Duration left = Duration.between(Instant.now(), deadline);
                if (left.isNegative() || left.isZero()) {
                    break rounds;
                }
                try {
                    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url.replaceAll("/$", "") + path))
                            .timeout(left).header("Content-Type", "application/json").header("Authorization", "Bearer " + token(left))
                            .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(request))).build(), HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() == 200) {
                        return json.readTree(response.body());
                    }
                    if (response.statusCode() == 401) {
                        token = null;
                    }
                    failures.add(url + " answered " + response.statusCode());
                    if (response.statusCode() >= 400 && response.statusCode() < 500 && response.statusCode() != 401) {
                        break rounds;
                    }
                } catch (IOException | RuntimeException e) {
                    failures.add(url + ": " + e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    failures.add(url + ": interrupted");
                    break rounds;
                }
            }
            long leftMillis = Duration.between(Instant.now(), deadline).toMillis();
            if (leftMillis <= pauseMillis) {
                break;
            }
            try {
                Thread.sleep(pauseMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            pauseMillis = Math.min(pauseMillis * 2, 400);
        }
        LOG.warnf("no policy decision within %s: %s", settings.timeout(), failures);
        throw new UnavailableProblem("policy-service gave no decision within " + settings.timeout()
                + "; nothing was created (fail closed). Try again shortly.");
    }

    @SuppressWarnings("unchecked")
    private Answer answer(JsonNode body) {
        JsonNode context = body.path("context");
        List<Map<String, Object>> reasons = new ArrayList<>();
        context.path("reasons").forEach(r -> reasons.add(json.convertValue(r, Map.class)));
        List<Map<String, Object>> obligations = new ArrayList<>();
        context.path("obligations").forEach(o -> obligations.add(json.convertValue(o, Map.class)));
        List<Map<String, Object>> findings = new ArrayList<>();
        context.path("findings").forEach(f -> findings.add(json.convertValue(f, Map.class)));
        // anything but an explicit true is a denial
        String decisionId = context.path("decisionId").isTextual() ? context.path("decisionId").asText() : null;
        return new Answer(body.path("decision").isBoolean() && body.path("decision").booleanValue(), reasons, obligations, findings, decisionId);
    }

    /** A client-credentials access token for policy-service, fetched again shortly before it expires. */
    private String token(Duration timeout) throws IOException, InterruptedException {
        PortcullisSettings.Pdp settings = platform.pdp();
        String current = token;
        if (current != null && Instant.now().isBefore(tokenExpires)) {
            return current;
        }
        if (tokenEndpoint == null) {
            String issuer = platform.platform().oidcUrl().replaceAll("/$", "");
            HttpResponse<String> discovery = http.send(HttpRequest.newBuilder(URI.create(issuer + "/.well-known/openid-configuration"))
                    .timeout(timeout).GET().build(), HttpResponse.BodyHandlers.ofString());
            tokenEndpoint = URI.create(json.readTree(discovery.body()).path("token_endpoint").asText());
        }
        String form = "grant_type=client_credentials&client_id=" + URLEncoder.encode(settings.clientId(), StandardCharsets.UTF_8)
                + "&client_secret=" + URLEncoder.encode(clientSecret, StandardCharsets.UTF_8);
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(tokenEndpoint).timeout(timeout)
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode body = json.readTree(response.body());
        if (response.statusCode() != 200 || !body.hasNonNull("access_token")) {
            throw new IOException("the token endpoint answered " + response.statusCode() + " for client " + settings.clientId());
        }
        token = body.get("access_token").asText();
        tokenExpires = Instant.now().plusSeconds(Math.max(0, body.path("expires_in").asLong(60) - 30));
        return token;
    }
}

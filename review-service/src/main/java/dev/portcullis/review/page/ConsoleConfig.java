package dev.portcullis.review.page;

import dev.portcullis.review.config.ReviewSettings;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * What the console (static files under /console) needs before anyone signs in: where to sign in (the realm and its public client,
 * code flow with PKCE) and where each service's API is. The console calls those APIs with the signed-in user's own token, so
 * what it may show and do is what the APIs let that user see and do; nothing here is a secret.
 */
@Path("/console/config.json")
@PermitAll
public class ConsoleConfig {

    @ConfigProperty(name = "quarkus.oidc.auth-server-url")
    String issuer;

    @Inject
    ReviewSettings settings;

    /** review-service's own API is the page's origin: an empty base. */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> config() {
        ReviewSettings.Console console = settings.console();
        return Map.of("oidc", Map.of("issuer", trimSlash(issuer), "clientId", console.clientId()), "services", Map.of("inventory",
                trimSlash(console.inventoryUrl()), "review", "", "policy", trimSlash(console.policyUrl()), "notification", trimSlash(console.notificationUrl())));
    }

    private static String trimSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}

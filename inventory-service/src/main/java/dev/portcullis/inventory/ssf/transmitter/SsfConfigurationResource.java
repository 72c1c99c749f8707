package dev.portcullis.inventory.ssf.transmitter;

import dev.portcullis.inventory.domain.DeliveryMethod;
import dev.portcullis.inventory.domain.SsfStream;

import dev.portcullis.inventory.config.InventorySettings;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Our CAEP transmitter's metadata (SSF 1.0 §7.1), where a receiver starts: the issuer has no path, so it is the well-known place itself. */
@Path("/.well-known/ssf-configuration")
@Tag(name = "shared signals")
public class SsfConfigurationResource {

    @Inject
    InventorySettings settings;

    @GET
    @PermitAll
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The transmitter's configuration (SSF 1.0)", description = "Issuer, JWKS, push and poll delivery, and the stream"
            + " management endpoints (role portcullis-ssf-receiver, client credentials). default_subjects ALL: every guest, less those removed.")
    public Map<String, Object> configuration() {
        String issuer = settings.ssf().transmitter().issuer();
        String base = issuer + "/ssf/v1/transmitter";
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("spec_version", "1_0");
        config.put("issuer", issuer);
        config.put("jwks_uri", base + "/jwks");
        config.put("delivery_methods_supported", List.of(DeliveryMethod.PUSH.uri(), DeliveryMethod.POLL.uri()));
        config.put("configuration_endpoint", base + "/streams");
        config.put("status_endpoint", base + "/status");
        config.put("add_subject_endpoint", base + "/subjects/add");
        config.put("remove_subject_endpoint", base + "/subjects/remove");
        config.put("verification_endpoint", base + "/verify");
        config.put("authorization_schemes", List.of(Map.of("spec_urn", "urn:ietf:rfc:6749")));
        config.put("default_subjects", "ALL");
        return config;
    }
}

package dev.portcullis.inventory.ssf;

import dev.portcullis.backbone.rest.Actor;
import dev.portcullis.backbone.rest.BadRequestProblem;
import dev.portcullis.backbone.rest.NotFoundProblem;
import dev.portcullis.backbone.rest.Roles;
import dev.portcullis.inventory.domain.Partner;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;

/** A partner's Shared Signals transmitter: connected by an admin, then pushing its SETs to the partner's own endpoint. */
@Path("/api/v1/partners/{id}/ssf")
@Tag(name = "shared signals", description = "Partners' identity providers as Shared Signals (SSF 1.0, RISC, CAEP) transmitters")
public class TransmitterResource {

    private static final Logger LOG = Logger.getLogger(TransmitterResource.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    @Inject
    TransmitterKeys keys;

    @Inject
    Actor actor;

    @Inject
    Clock clock;

    /** {@code credentialRevokeIsCompromise}: a CAEP credential-change that revokes a credential is taken as CREDENTIAL_COMPROMISED (default: recorded only). */
    public record ConnectTransmitter(@NotBlank @Size(max = 512) String issuer, @NotBlank @Size(max = 512) String audience,
            Boolean credentialRevokeIsCompromise) {
    }

    /** A connected transmitter; {@code pushAuthorization} only in the answer that made it (it is kept hashed). */
    public record TransmitterView(UUID partnerId, String issuer, String audience, String jwksUri, String pushEndpoint, String pushAuthorization,
            boolean credentialRevokeIsCompromise, String updatedBy, java.time.Instant updatedAt) {

        static TransmitterView of(PartnerTransmitter t, String pushAuthorization) {
            return new TransmitterView(t.partnerId, t.issuer, t.audience, t.jwksUri, pushPath(t.partnerId), pushAuthorization,
                    t.credentialRevokeIsCompromise, t.updatedBy, t.updatedAt);
        }
    }

    static String pushPath(UUID partnerId) {
        return "/ssf/v1/receiver/" + partnerId + "/push";
    }

    @PUT
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Connect a partner's Shared Signals transmitter", description = "issuer: the transmitter's issuer (its SETs' iss; its"
            + " /.well-known/ssf-configuration is read now, and must name the same issuer and a jwks_uri: a 400 naming issuer otherwise);"
            + " audience: the aud its SETs carry (the stream's). Answers with the push endpoint and a new push authorization, shown this once:"
            + " the transmitter sends it verbatim as the Authorization header of every push (RFC 8935). credentialRevokeIsCompromise (default false):"
            + " a CAEP credential-change with change_type revoke blocks the guest as CREDENTIAL_COMPROMISED would. Connecting again replaces all.")
    public TransmitterView connect(@PathParam("id") UUID partnerId, @Valid @NotNull ConnectTransmitter request) {
        if (Partner.findById(partnerId) == null) {
            throw new NotFoundProblem("partner", partnerId);
        }
        URI issuer;
        try {
            issuer = URI.create(request.issuer());
        } catch (IllegalArgumentException e) {
            throw new BadRequestProblem("issuer", "is not a URL");
        }
        if (!("https".equals(issuer.getScheme()) || "http".equals(issuer.getScheme())) || issuer.getHost() == null) {
            throw new BadRequestProblem("issuer", "must be an https URL");
        }
        String jwksUri;
        try {
            jwksUri = keys.jwksUriOf(request.issuer()); // over the network: before the transaction, which then holds no lock while it waits
        } catch (IllegalArgumentException e) {
            throw new BadRequestProblem("issuer", e.getMessage());
        }
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        PartnerTransmitter saved = QuarkusTransaction.requiringNew().call(() -> {
            PartnerTransmitter t = PartnerTransmitter.findById(partnerId);
            if (t == null) {
                t = new PartnerTransmitter();
                t.partnerId = partnerId;
            }
            t.issuer = request.issuer();
            t.audience = request.audience();
            t.jwksUri = jwksUri;
            t.credentialRevokeIsCompromise = Boolean.TRUE.equals(request.credentialRevokeIsCompromise());
            t.pushTokenSha256 = dev.portcullis.backbone.Sha256.hex(token);
            t.updatedBy = actor.name();
            t.updatedAt = clock.instant();
            t.persist();
            return t;
        });
        keys.forget(partnerId);
        LOG.infof("partner=%s transmitter %s connected by %s", partnerId, request.issuer(), actor.name());
        return TransmitterView.of(saved, "Bearer " + token);
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.AUDITOR})
    @Operation(summary = "A partner's Shared Signals transmitter", description = "404 if none is connected. The push authorization is never shown again.")
    public TransmitterView get(@PathParam("id") UUID partnerId) {
        PartnerTransmitter t = PartnerTransmitter.findById(partnerId);
        if (t == null) {
            throw new NotFoundProblem("transmitter of partner", partnerId);
        }
        return TransmitterView.of(t, null);
    }

    @DELETE
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Disconnect a partner's Shared Signals transmitter", description = "Its pushes are refused from now on (access_denied).")
    public Response disconnect(@PathParam("id") UUID partnerId) {
        long deleted = QuarkusTransaction.requiringNew().call(() -> PartnerTransmitter.delete("partnerId", partnerId));
        keys.forget(partnerId);
        if (deleted == 0) {
            throw new NotFoundProblem("transmitter of partner", partnerId);
        }
        return Response.noContent().build();
    }

}

package dev.portcullis.inventory.ssf.receiver;

import dev.portcullis.backbone.outbox.AdminChanges;
import dev.portcullis.events.ocsf.OcsfMapping.Change;
import dev.portcullis.inventory.domain.PartnerTransmitter;

import dev.portcullis.backbone.rest.Actor;
import dev.portcullis.backbone.problem.BadRequestProblem;
import dev.portcullis.backbone.problem.NotFoundProblem;
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
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;

/** A partner's Shared Signals transmitter: connected by an admin, then pushing its SETs to the partner's own endpoint. */
@Path("/api/v1/partners/{id}/ssf")
@Tag(name = "shared signals", description = "Partners' identity providers as Shared Signals (SSF 1.0, RISC, CAEP) transmitters")
public class PartnerTransmitterResource {

    private static final Logger LOG = Logger.getLogger(PartnerTransmitterResource.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    @Inject
    AdminChanges adminChanges;

    @Inject
    dev.portcullis.backbone.outbound.Outbound outbound;

    @Inject
    TransmitterKeys keys;

    @Inject
    Actor actor;

    @Inject
    Clock clock;

    @Inject
    PartnerStreams streams;

    @Inject
    PartnerStreamPoller poller;

    @Inject
    dev.portcullis.inventory.config.InventorySettings settings;

    /**
     * {@code credentialRevokeIsCompromise}: a CAEP credential-change that revokes a credential is taken as CREDENTIAL_COMPROMISED
     * (default: recorded only). {@code streamManagement}: a client of the partner's IdP with which Portcullis makes and keeps the
     * stream itself (then {@code audience} comes from the transmitter); without it, the partner's admin makes the stream by hand
     * and {@code audience} is required.
     */
    public record ConnectTransmitter(@NotBlank @Size(max = 512) String issuer, @Size(max = 512) String audience,
            Boolean credentialRevokeIsCompromise, @Valid StreamManagement streamManagement) {
    }

    /** The partner's client for its stream-management API, and the delivery Portcullis asks for (PUSH by default, or POLL). */
    public record StreamManagement(@NotBlank @Size(max = 255) String clientId, @NotBlank @Size(max = 1024) String clientSecret,
            @Size(max = 255) String scope, Delivery delivery) {
    }

    public enum Delivery {
        PUSH, POLL
    }

    /** The stream Portcullis keeps at the transmitter: its id, delivery, status there now, and when its verification came back. */
    public record StreamView(String streamId, String delivery, String status, java.time.Instant verifiedAt, java.time.Instant lastPolledAt,
            String lastError) {
    }

    /** A connected transmitter; {@code pushAuthorization} only in the answer that made it (it is kept hashed). */
    public record TransmitterView(UUID partnerId, String issuer, String audience, String jwksUri, String pushEndpoint, String pushAuthorization,
            boolean credentialRevokeIsCompromise, StreamView stream, String updatedBy, java.time.Instant updatedAt)
            implements dev.portcullis.backbone.rest.ShownOnce {

        @Override
        public Object withoutSecret() {
            return new TransmitterView(partnerId, issuer, audience, jwksUri, pushEndpoint, null, credentialRevokeIsCompromise, stream, updatedBy,
                    updatedAt);
        }

        static TransmitterView of(PartnerTransmitter t, String pushAuthorization, String status) {
            StreamView stream = t.managesStream() ? new StreamView(t.streamId, t.delivery, status, t.verifiedAt, t.lastPolledAt, t.lastError) : null;
            return new TransmitterView(t.partnerId, t.issuer, t.audience, t.jwksUri, pushPath(t.partnerId), pushAuthorization,
                    t.credentialRevokeIsCompromise, stream, t.updatedBy, t.updatedAt);
        }
    }

    static String pushPath(UUID partnerId) {
        return "/ssf/v1/receiver/" + partnerId + "/push";
    }

    @PUT
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Connect a partner's Shared Signals transmitter", description = "issuer: the transmitter's issuer (its SETs' iss; its"
            + " /.well-known/ssf-configuration is read now, and must name the same issuer and a jwks_uri: a 400 naming issuer otherwise)."
            + " With streamManagement {clientId, clientSecret, scope (default 'ssf.read ssf.manage'), delivery PUSH (default) or POLL},"
            + " Portcullis makes the stream itself through the transmitter's stream-management API (deleting the client's earlier stream),"
            + " asking for the RISC and CAEP events it acts on, takes the audience the transmitter gives, and asks for a verification event;"
            + " a POLL stream is polled by one instance at a time. Without it, audience is required: the aud of the SETs of the stream the"
            + " partner made by hand. Answers with the push endpoint and a new push authorization, shown this once (the transmitter sends it as"
            + " the Authorization header of every push, RFC 8935). credentialRevokeIsCompromise (default false): a CAEP credential-change with"
            + " change_type revoke blocks the guest as CREDENTIAL_COMPROMISED would. Connecting again replaces all.")
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
        String refusal = outbound.refusal(issuer);
        if (refusal != null) {
            throw new BadRequestProblem("issuer", refusal);
        }
        StreamManagement management = request.streamManagement();
        if (management == null && (request.audience() == null || request.audience().isBlank())) {
            throw new BadRequestProblem("audience", "is required unless Portcullis makes the stream (streamManagement)");
        }
        com.fasterxml.jackson.databind.JsonNode configuration;
        try {
            configuration = keys.configurationOf(request.issuer()); // over the network: before the transaction, which then holds no lock while it waits
        } catch (IllegalArgumentException e) {
            throw new BadRequestProblem("issuer", e.getMessage());
        }
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        PartnerTransmitter earlier = QuarkusTransaction.requiringNew().call(() -> PartnerTransmitter.<PartnerTransmitter>findById(partnerId));
        if (earlier != null && earlier.managesStream() && (management == null || !request.issuer().equals(earlier.issuer))) {
            streams.delete(earlier); // the stream at the transmitter that no longer serves
        }
        PartnerStreams.Made made = null;
        String scope = management == null ? null : management.scope() == null ? "ssf.read ssf.manage" : management.scope();
        if (management != null) {
            try {
                made = streams.create(partnerId, request.issuer(), configuration, new PartnerStreams.Credentials(management.clientId(),
                        management.clientSecret(), scope), management.delivery() != Delivery.POLL,
                        settings.ssf().transmitter().issuer() + pushPath(partnerId), "Bearer " + token);
            } catch (IllegalArgumentException e) {
                throw new BadRequestProblem("streamManagement", e.getMessage());
            }
        }
        PartnerStreams.Made stream = made;
        String state = stream == null ? null : UUID.randomUUID().toString();
        PartnerTransmitter saved = QuarkusTransaction.requiringNew().call(() -> {
            PartnerTransmitter t = PartnerTransmitter.findById(partnerId);
            if (t == null) {
                t = new PartnerTransmitter();
                t.partnerId = partnerId;
            }
            t.issuer = request.issuer();
            t.audience = stream != null && stream.audience() != null ? stream.audience() : request.audience();
            t.jwksUri = configuration.path("jwks_uri").asText();
            t.credentialRevokeIsCompromise = Boolean.TRUE.equals(request.credentialRevokeIsCompromise());
            t.pushTokenSha256 = dev.portcullis.backbone.Sha256.hex(token);
            t.tokenEndpoint = stream == null ? null : stream.tokenEndpoint();
            t.clientId = management == null ? null : management.clientId();
            t.clientSecret = management == null ? null : management.clientSecret();
            t.scope = scope;
            t.configurationEndpoint = stream == null ? null : stream.configurationEndpoint();
            t.statusEndpoint = stream == null ? null : stream.statusEndpoint();
            t.verificationEndpoint = stream == null ? null : stream.verificationEndpoint();
            t.streamId = stream == null ? null : stream.streamId();
            t.delivery = stream == null ? null : management.delivery() == Delivery.POLL ? Delivery.POLL.name() : Delivery.PUSH.name();
            t.pollEndpoint = stream == null ? null : stream.pollEndpoint();
            t.verificationState = state;
            t.verifiedAt = null;
            t.lastPolledAt = null;
            t.lastError = null;
            t.updatedBy = actor.name();
            t.updatedAt = clock.instant();
            t.persist();
            Map<String, Object> settings = new java.util.LinkedHashMap<>();
            settings.put("issuer", t.issuer);
            settings.put("audience", t.audience);
            settings.put("delivery", t.delivery == null ? "PUSH, stream made by hand" : t.delivery);
            settings.put("credentialRevokeIsCompromise", t.credentialRevokeIsCompromise);
            adminChanges.record(t.updatedBy, Change.UPDATED, "Partner transmitter", "partner-transmitter-connected", partnerId, t.issuer, settings);
            return t;
        });
        keys.forget(partnerId);
        if (stream != null) {
            streams.verify(saved, state); // committed first: the verification event may come back at once
            poller.wake();
        }
        LOG.infof("partner=%s transmitter %s connected by %s%s", partnerId, request.issuer(), actor.name(),
                stream == null ? "" : " with stream " + stream.streamId() + " (" + saved.delivery + ")");
        return TransmitterView.of(saved, "Bearer " + token, stream == null ? null : "enabled");
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.AUDITOR})
    @Operation(summary = "A partner's Shared Signals transmitter", description = "404 if none is connected. The push authorization is never shown"
            + " again. A stream Portcullis keeps there: its id, delivery, status at the transmitter now (enabled, paused, disabled; unknown"
            + " with why if it cannot be read), when its verification event came back, and for POLL when it was last polled and the last error.")
    public TransmitterView get(@PathParam("id") UUID partnerId) {
        PartnerTransmitter t = PartnerTransmitter.findById(partnerId);
        if (t == null) {
            throw new NotFoundProblem("transmitter of partner", partnerId);
        }
        return TransmitterView.of(t, null, t.managesStream() ? streams.status(t) : null);
    }

    @DELETE
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Disconnect a partner's Shared Signals transmitter", description = "Its pushes are refused from now on (access_denied);"
            + " a stream Portcullis made there is deleted.")
    public Response disconnect(@PathParam("id") UUID partnerId) {
        PartnerTransmitter t = QuarkusTransaction.requiringNew().call(() -> PartnerTransmitter.<PartnerTransmitter>findById(partnerId));
        if (t != null && t.managesStream()) {
            streams.delete(t);
        }
        long deleted = QuarkusTransaction.requiringNew().call(() -> {
            long gone = PartnerTransmitter.delete("partnerId", partnerId);
            if (gone > 0) {
                adminChanges.record(actor.name(), Change.DELETED, "Partner transmitter", "partner-transmitter-disconnected", partnerId, t == null ? null : t.issuer,
                        Map.of());
            }
            return gone;
        });
        keys.forget(partnerId);
        if (deleted == 0) {
            throw new NotFoundProblem("transmitter of partner", partnerId);
        }
        return Response.noContent().build();
    }

}

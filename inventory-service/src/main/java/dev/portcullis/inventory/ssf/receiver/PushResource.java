package dev.portcullis.inventory.ssf.receiver;

import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;

/** Where partners' transmitters push their SETs (RFC 8935): one endpoint per partner. */
@Path("/ssf/v1/receiver")
@Tag(name = "shared signals")
public class PushResource {

    private static final Logger LOG = Logger.getLogger(PushResource.class);

    @Inject
    SetReceiver receiver;

    @POST
    @Path("/{id}/push")
    @PermitAll // the transmitter is no OIDC client of ours: the push authorization we gave it and the SET's signature vouch for it
    @Consumes({"application/secevent+jwt", MediaType.WILDCARD})
    @Operation(summary = "A partner's transmitter pushes a Security Event Token (RFC 8935)", description = "Body: the SET (application/secevent+jwt)."
            + " Verified before anything happens (push authorization, signature by the transmitter's JWKS, typ, iss, aud, iat, jti); RISC"
            + " account-disabled, account-purged, account-enabled and credential-compromise are applied as partner signals (channel SSF),"
            + " through the same path as REST and Kafka. 202 when accepted (a jti seen before is accepted and changes nothing); 400 with"
            + " {err, description} and an RFC 8935 code otherwise (invalid_request, invalid_key, invalid_issuer, invalid_audience,"
            + " authentication_failed, access_denied), and nothing changes; 503 with Retry-After when the transmitter's keys cannot be"
            + " fetched now (a SET with a new kid is then to come again, not lost).")
    public Response push(@PathParam("id") String partnerId, @HeaderParam("Authorization") String authorization, String set) {
        UUID partner;
        try {
            partner = UUID.fromString(partnerId);
        } catch (IllegalArgumentException e) {
            return refused(new SetRefused("access_denied", "no such partner"));
        }
        try {
            SetReceiver.Outcome outcome = receiver.receive(partner, authorization, set);
            LOG.infof("partner=%s SET accepted events=%s signals=%s repeat=%s", partner, outcome.events(), outcome.signalIds(), outcome.repeat());
            return Response.accepted().build();
        } catch (SetRefused e) {
            return refused(e);
        } catch (TransmitterKeys.KeysUnavailable e) {
            // not the SET's fault, and a 400 is final: the transmitter keeps the SET and pushes it again
            LOG.warnf("partner=%s SET not verified now: %s", partner, e.getMessage());
            return Response.status(503).header("Retry-After", "30").type(MediaType.APPLICATION_JSON)
                    .entity(Map.of("err", "temporarily_unavailable", "description", e.getMessage())).build();
        }
    }

    private static Response refused(SetRefused e) {
        LOG.warnf("SET refused: %s (%s)", e.err, e.getMessage());
        return Response.status(400).type(MediaType.APPLICATION_JSON).entity(Map.of("err", e.err, "description", e.getMessage())).build();
    }
}

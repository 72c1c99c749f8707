package dev.portcullis.inventory.ssf.transmitter;

import dev.portcullis.inventory.domain.SsfStream;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.portcullis.inventory.domain.DeliveryMethod;
import dev.portcullis.inventory.domain.StreamStatus;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.Objects;
import java.util.Optional;
import dev.portcullis.backbone.rest.Actor;
import dev.portcullis.backbone.rest.Roles;
import dev.portcullis.inventory.config.InventorySettings;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Our CAEP transmitter's stream management (SSF 1.0 §8) and poll endpoint (RFC 8936), for the organization's own applications
 * (role {@code portcullis-ssf-receiver}, client credentials): each application manages and polls only the streams its OIDC client
 * made; another's is a 404. Field names are the specification's (snake case); a bad one is a 400 problem document naming it.
 */
@Path("/ssf/v1/transmitter")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "shared signals")
public class StreamResource {

    @Inject
    Actor actor;

    @Inject
    InventorySettings settings;

    @Inject
    Streams streams;

    @Inject
    OwnSigningKeys keys;

    @GET
    @Path("/jwks")
    @PermitAll
    @Operation(summary = "The keys our SETs are signed with (JWKS)", description = "Every key of the configured keystore: the signing one, and"
            + " the one about to sign or just retired during a rotation.")
    public String jwks() {
        return keys.jwks();
    }

    // ---- the bodies; their names are the specification's (snake case), so a 400 names the field as the caller wrote it

    /** A delivery (SSF 1.0 §8.1.1): push to {@code endpoint_url} with {@code authorization_header}, or poll. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Delivery(
            @NotNull @Pattern(regexp = "urn:ietf:rfc:893[56]", message = "must be urn:ietf:rfc:8935 (push) or urn:ietf:rfc:8936 (poll)") String method,
            @Size(max = 2048) String endpoint_url,
            @Size(max = 4096) String authorization_header) {
    }

    /**
     * A stream's configuration as a receiver writes it. What the transmitter sets (iss, aud, events_supported, …) may come back in a
     * replace and is ignored. An absent description stays on an update; a null one clears it.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record StreamRequest(
            @Size(max = 64) String stream_id,
            @Valid Delivery delivery,
            List<@NotBlank(message = "holds event-type URIs") @Size(max = 255) @Pattern(regexp = "\\S+", message = "holds event-type URIs") String> events_requested,
            Optional<@Size(max = 1000) String> description) {

        Streams.Configuration configuration() {
            return new Streams.Configuration(delivery == null ? null : DeliveryMethod.of(delivery.method()).orElseThrow(),
                    delivery == null ? null : delivery.endpoint_url(), delivery == null ? null : delivery.authorization_header(), events_requested,
                    description == null ? null : description.orElse(null), description != null);
        }
    }

    /** A stream's configuration as the transmitter reports it (SSF 1.0 §8.1.1); never the authorization header. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record StreamConfiguration(String stream_id, String iss, String aud, List<String> events_supported, List<String> events_requested,
            List<String> events_delivered, Map<String, String> delivery, int min_verification_interval, String description) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record StatusRequest(@Size(max = 64) String stream_id, @NotNull StreamStatus status, @Size(max = 1000) String reason) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Status(String stream_id, StreamStatus status, String reason) {
        static Status of(SsfStream stream) {
            return new Status(stream.id.toString(), stream.status, stream.statusReason);
        }
    }

    /** A subject (SSF 1.0 §8.1.3): {format: email, email} or {format: opaque, id: the guest's id}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Subject(@NotNull @Size(max = 32) String format, @Size(max = 320) String email, @Size(max = 64) String id) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record SubjectRequest(@Size(max = 64) String stream_id, @NotNull(message = "is required: {format: email, email} or {format: opaque, id}") @Valid Subject subject) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record VerifyRequest(@Size(max = 64) String stream_id, @Size(max = 1000) String state) {
    }

    /** A poller's refusal of a SET (RFC 8936 §2.4). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record SetError(String err, String description) {
    }

    /** RFC 8936 §2.4: what the poller applied ({@code ack}) and refused ({@code setErrs}), and what it wants next. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record PollRequest(List<@NotNull String> ack, Map<String, @NotNull SetError> setErrs,
            @Min(value = 0, message = "must be 0 to 1000") @Max(value = 1000, message = "must be 0 to 1000") Integer maxEvents, Boolean returnImmediately) {
    }

    public record PollAnswer(Map<String, String> sets, boolean moreAvailable) {
    }

    // ---- streams (SSF 1.0 §8.1.1)

    @POST
    @Path("/streams")
    @RolesAllowed(Roles.SSF_RECEIVER)
    @Operation(summary = "Create a stream", description = "delivery.method urn:ietf:rfc:8935 (push: delivery.endpoint_url, and"
            + " delivery.authorization_header sent with each push) or urn:ietf:rfc:8936 (poll: the answer's delivery.endpoint_url is where"
            + " to poll); events_requested (events_delivered: those we support, CAEP session-revoked); description. aud is the caller's"
            + " client id. Every guest is a subject (default_subjects ALL) until removed with subjects/remove. A client has at most"
            + " portcullis.inventory.ssf.transmitter.max-streams-per-client streams (10): one more is a 409.")
    public Response create(@Valid @NotNull(message = "must be a JSON object") StreamRequest body) {
        SsfStream stream = streams.create(caller(), body.configuration());
        return Response.created(URI.create(base() + "/streams?stream_id=" + stream.id)).entity(view(stream)).build();
    }

    @GET
    @Path("/streams")
    @RolesAllowed(Roles.SSF_RECEIVER)
    @Operation(summary = "Read a stream, or all the caller's", description = "stream_id: that stream (404 if it is not the caller's); without: a"
            + " list of every stream the caller made.")
    public Object read(@QueryParam("stream_id") String streamId) {
        if (streamId == null) {
            return streams.list(caller()).stream().map(this::view).toList();
        }
        return view(streams.own(caller(), streamId));
    }

    @PATCH
    @Path("/streams")
    @RolesAllowed(Roles.SSF_RECEIVER)
    @Operation(summary = "Update a stream", description = "stream_id, and what changes: delivery, events_requested, description.")
    public StreamConfiguration update(@Valid @NotNull(message = "must be a JSON object") StreamRequest body) {
        return view(streams.change(caller(), body.stream_id(), body.configuration(), false));
    }

    @PUT
    @Path("/streams")
    @RolesAllowed(Roles.SSF_RECEIVER)
    @Operation(summary = "Replace a stream", description = "stream_id, delivery and events_requested, as on creation.")
    public StreamConfiguration replace(@Valid @NotNull(message = "must be a JSON object") StreamRequest body) {
        return view(streams.change(caller(), body.stream_id(), body.configuration(), true));
    }

    @DELETE
    @Path("/streams")
    @RolesAllowed(Roles.SSF_RECEIVER)
    @Operation(summary = "Delete a stream", description = "With the SETs still waiting in it.")
    public Response delete(@QueryParam("stream_id") String streamId) {
        streams.delete(caller(), streamId);
        return Response.noContent().build();
    }

    // ---- status (SSF 1.0 §8.1.2)

    @GET
    @Path("/status")
    @RolesAllowed(Roles.SSF_RECEIVER)
    @Operation(summary = "A stream's status", description = "enabled, paused (SETs are kept and delivered on enabling) or disabled (none are made).")
    public Status status(@QueryParam("stream_id") String streamId) {
        return Status.of(streams.own(caller(), streamId));
    }

    @POST
    @Path("/status")
    @RolesAllowed(Roles.SSF_RECEIVER)
    @Operation(summary = "Change a stream's status", description = "stream_id, status (enabled, paused, disabled), reason. Disabling drops the"
            + " SETs waiting in the stream.")
    public Status setStatus(@Valid @NotNull(message = "must be a JSON object") StatusRequest body) {
        return Status.of(streams.setStatus(caller(), body.stream_id(), body.status(), body.reason()));
    }

    // ---- subjects (SSF 1.0 §8.1.3): every guest is in by default; removing one keeps their events out of the stream

    @POST
    @Path("/subjects/add")
    @RolesAllowed(Roles.SSF_RECEIVER)
    @Operation(summary = "Add a subject back to a stream", description = "subject: {format: email, email} or {format: opaque, id: the guest's"
            + " id}. 200 whether or not such a guest exists (nothing is told about who is a guest).")
    public Response addSubject(@Valid @NotNull(message = "must be a JSON object") SubjectRequest body) {
        streams.include(caller(), body.stream_id(), body.subject().format(), body.subject().email(), body.subject().id(), true);
        return Response.ok().build();
    }

    @POST
    @Path("/subjects/remove")
    @RolesAllowed(Roles.SSF_RECEIVER)
    @Operation(summary = "Remove a subject from a stream", description = "The guest's events no longer go to the stream. 204.")
    public Response removeSubject(@Valid @NotNull(message = "must be a JSON object") SubjectRequest body) {
        streams.include(caller(), body.stream_id(), body.subject().format(), body.subject().email(), body.subject().id(), false);
        return Response.noContent().build();
    }

    // ---- verification (SSF 1.0 §8.1.4)

    @POST
    @Path("/verify")
    @RolesAllowed(Roles.SSF_RECEIVER)
    @Operation(summary = "Ask for a verification event", description = "stream_id and an optional state, which the verification SET carries"
            + " back through the stream. 204; 409 if the stream is disabled.")
    public Response verify(@Valid @NotNull(message = "must be a JSON object") VerifyRequest body) {
        streams.verify(caller(), body.stream_id(), body.state());
        return Response.noContent().build();
    }

    // ---- poll (RFC 8936)

    @POST
    @Path("/poll/{streamId}")
    @RolesAllowed(Roles.SSF_RECEIVER)
    @Operation(summary = "Poll a stream's SETs (RFC 8936)", description = "ack: jtis the poller applied; setErrs: {jti: {err, description}} for those"
            + " it refused (neither comes again); maxEvents (default 100, at most 1000; 0 only acknowledges); returnImmediately (default false:"
            + " waits up to portcullis.inventory.ssf.transmitter.long-poll for a SET). Answers {sets: {jti: SET}, moreAvailable}. A SET comes"
            + " again in every poll until acknowledged. A paused or disabled stream gives none.")
    public PollAnswer poll(@PathParam("streamId") String streamId, @Valid PollRequest body) throws InterruptedException {
        PollRequest request = body == null ? new PollRequest(null, null, null, null) : body;
        Map<String, String> refused = new LinkedHashMap<>();
        if (request.setErrs() != null) {
            request.setErrs().forEach((jti, error) -> refused.put(jti, Objects.toString(error.err(), "") + ": " + Objects.toString(error.description(), "")));
        }
        Streams.Polled polled = streams.poll(caller(), streamId, new Streams.Poll(request.ack() == null ? List.of() : request.ack(), refused,
                request.maxEvents() == null ? 100 : request.maxEvents(), Boolean.TRUE.equals(request.returnImmediately())));
        return new PollAnswer(polled.sets(), polled.moreAvailable());
    }

    // ---- the documents

    private StreamConfiguration view(SsfStream stream) {
        Map<String, String> delivery = new LinkedHashMap<>();
        delivery.put("method", stream.deliveryMethod.uri());
        delivery.put("endpoint_url", stream.deliveryMethod == DeliveryMethod.POLL ? base() + "/poll/" + stream.id : stream.endpointUrl);
        return new StreamConfiguration(stream.id.toString(), settings.ssf().transmitter().issuer(), stream.audience, CaepTransmitter.EVENTS_SUPPORTED,
                List.copyOf(stream.eventsRequested), stream.eventsRequested.stream().filter(CaepTransmitter.EVENTS_SUPPORTED::contains).toList(),
                delivery, 0, stream.description);
    }

    /** The transmitter's base URL for the endpoints it names. */
    private String base() {
        return settings.ssf().transmitter().issuer() + "/ssf/v1/transmitter";
    }

    /** The calling application: its OIDC client. */
    private String caller() {
        return actor.clientId() != null ? actor.clientId() : actor.name();
    }
}

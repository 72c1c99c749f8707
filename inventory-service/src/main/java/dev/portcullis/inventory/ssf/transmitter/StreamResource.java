package dev.portcullis.inventory.ssf.transmitter;

import dev.portcullis.inventory.domain.SsfStream;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.backbone.Ids;
import dev.portcullis.backbone.rest.Actor;
import dev.portcullis.backbone.problem.BadRequestProblem;
import dev.portcullis.backbone.problem.ConflictProblem;
import dev.portcullis.backbone.problem.NotFoundProblem;
import dev.portcullis.backbone.rest.Roles;
import dev.portcullis.backbone.work.SinglePass;
import dev.portcullis.inventory.config.InventorySettings;
import dev.portcullis.inventory.domain.Guest;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
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
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
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
    dev.portcullis.backbone.outbound.Outbound outbound;

    @Inject
    Actor actor;

    @Inject
    EntityManager em;

    @Inject
    SinglePass singlePass;

    private java.util.concurrent.Semaphore longPolls;

    @jakarta.annotation.PostConstruct
    void bound() {
        longPolls = new java.util.concurrent.Semaphore(settings.ssf().transmitter().maxLongPolls());
    }

    @Inject
    Clock clock;

    @Inject
    InventorySettings settings;

    @Inject
    CaepTransmitter transmitter;

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

    // ---- streams (SSF 1.0 §8.1.1)

    @POST
    @Path("/streams")
    @RolesAllowed(Roles.SSF_RECEIVER)
    @Operation(summary = "Create a stream", description = "delivery.method urn:ietf:rfc:8935 (push: delivery.endpoint_url, and"
            + " delivery.authorization_header sent with each push) or urn:ietf:rfc:8936 (poll: the answer's delivery.endpoint_url is where"
            + " to poll); events_requested (events_delivered: those we support, CAEP session-revoked); description. aud is the caller's"
            + " client id. Every guest is a subject (default_subjects ALL) until removed with subjects/remove. A client has at most"
            + " portcullis.inventory.ssf.transmitter.max-streams-per-client streams (10): one more is a 409.")
    public Response create(JsonNode body) {
        SsfStream stream = new SsfStream();
        stream.id = Ids.next();
        stream.clientId = caller();
        stream.audience = caller();
        stream.status = SsfStream.ENABLED;
        stream.createdAt = clock.instant();
        apply(stream, object(body), true);
        int most = settings.ssf().transmitter().maxStreamsPerClient();
        QuarkusTransaction.requiringNew().run(() -> {
            // one client's creations in turn: two at once cannot both take the last place
            singlePass.take("inventory:ssf-streams:" + stream.clientId);
            long streams = ((Number) em.createNativeQuery("select count(*) from ssf_stream where client_id = ?1").setParameter(1, stream.clientId)
                    .getSingleResult()).longValue();
            if (streams >= most) {
                throw new ConflictProblem("client " + stream.clientId + " has " + streams + " streams, the most it may have: delete one first");
            }
            stream.persist();
        });
        return Response.created(URI.create(base() + "/streams?stream_id=" + stream.id)).entity(view(stream)).build();
    }

    @GET
    @Path("/streams")
    @RolesAllowed(Roles.SSF_RECEIVER)
    @Operation(summary = "Read a stream, or all the caller's", description = "stream_id: that stream (404 if it is not the caller's); without: a"
            + " list of every stream the caller made.")
    public Object read(@QueryParam("stream_id") String streamId) {
        if (streamId == null) {
            return QuarkusTransaction.requiringNew().call(() -> SsfStream.<SsfStream>list(
                    "select distinct s from SsfStream s left join fetch s.eventsRequested where s.clientId = ?1 order by s.createdAt", caller()))
                    .stream().map(this::view).toList();
        }
        return view(own(streamId));
    }

    @PATCH
    @Path("/streams")
    @RolesAllowed(Roles.SSF_RECEIVER)
    @Operation(summary = "Update a stream", description = "stream_id, and what changes: delivery, events_requested, description.")
    public Map<String, Object> update(JsonNode body) {
        return change(body, false);
    }

    @PUT
    @Path("/streams")
    @RolesAllowed(Roles.SSF_RECEIVER)
    @Operation(summary = "Replace a stream", description = "stream_id, delivery and events_requested, as on creation.")
    public Map<String, Object> replace(JsonNode body) {
        return change(body, true);
    }

    @DELETE
    @Path("/streams")
    @RolesAllowed(Roles.SSF_RECEIVER)
    @Operation(summary = "Delete a stream", description = "With the SETs still waiting in it.")
    public Response delete(@QueryParam("stream_id") String streamId) {
        UUID id = own(streamId).id;
        QuarkusTransaction.requiringNew().run(() -> SsfStream.deleteById(id));
        return Response.noContent().build();
    }

    // ---- status (SSF 1.0 §8.1.2)

    @GET
    @Path("/status")
    @RolesAllowed(Roles.SSF_RECEIVER)
    @Operation(summary = "A stream's status", description = "enabled, paused (SETs are kept and delivered on enabling) or disabled (none are made).")
    public Map<String, Object> status(@QueryParam("stream_id") String streamId) {
        return statusOf(own(streamId));
    }

    @POST
    @Path("/status")
    @RolesAllowed(Roles.SSF_RECEIVER)
    @Operation(summary = "Change a stream's status", description = "stream_id, status (enabled, paused, disabled), reason. Disabling drops the"
            + " SETs waiting in the stream.")
    public Map<String, Object> setStatus(JsonNode body) {
        JsonNode request = object(body);
        String status = text(request, "status", 16);
        if (status == null || !List.of(SsfStream.ENABLED, SsfStream.PAUSED, SsfStream.DISABLED).contains(status)) {
            throw new BadRequestProblem("status", "must be enabled, paused or disabled");
        }
        String reason = text(request, "reason", 1000);
        UUID id = own(text(request, "stream_id", 64)).id;
        return QuarkusTransaction.requiringNew().call(() -> {
            SsfStream stream = SsfStream.findById(id);
            stream.status = status;
            stream.statusReason = reason;
            stream.updatedAt = clock.instant();
            if (SsfStream.DISABLED.equals(status)) {
                em.createNativeQuery("delete from ssf_outgoing_set where stream_id = ?1 and delivered_at is null").setParameter(1, id).executeUpdate();
            }
            return statusOf(stream);
        });
    }

    // ---- subjects (SSF 1.0 §8.1.3): every guest is in by default; removing one keeps their events out of the stream

    @POST
    @Path("/subjects/add")
    @RolesAllowed(Roles.SSF_RECEIVER)
    @Operation(summary = "Add a subject back to a stream", description = "subject: {format: email, email} or {format: opaque, id: the guest's"
            + " id}. 200 whether or not such a guest exists (nothing is told about who is a guest).")
    public Response addSubject(JsonNode body) {
        JsonNode request = object(body);
        UUID stream = own(text(request, "stream_id", 64)).id;
        UUID guest = guestOf(request.get("subject"));
        if (guest != null) {
            QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("delete from ssf_stream_excluded_subject where stream_id = ?1"
                    + " and guest_id = ?2").setParameter(1, stream).setParameter(2, guest).executeUpdate());
        }
        return Response.ok().build();
    }

    @POST
    @Path("/subjects/remove")
    @RolesAllowed(Roles.SSF_RECEIVER)
    @Operation(summary = "Remove a subject from a stream", description = "The guest's events no longer go to the stream. 204.")
    public Response removeSubject(JsonNode body) {
        JsonNode request = object(body);
        UUID stream = own(text(request, "stream_id", 64)).id;
        UUID guest = guestOf(request.get("subject"));
        if (guest != null) {
            QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("insert into ssf_stream_excluded_subject (stream_id, guest_id)"
                    + " values (?1, ?2) on conflict do nothing").setParameter(1, stream).setParameter(2, guest).executeUpdate());
        }
        return Response.noContent().build();
    }

    // ---- verification (SSF 1.0 §8.1.4)

    @POST
    @Path("/verify")
    @RolesAllowed(Roles.SSF_RECEIVER)
    @Operation(summary = "Ask for a verification event", description = "stream_id and an optional state, which the verification SET carries"
            + " back through the stream. 204; 409 if the stream is disabled.")
    public Response verify(JsonNode body) {
        JsonNode request = object(body);
        String state = text(request, "state", 1000);
        UUID id = own(text(request, "stream_id", 64)).id;
        QuarkusTransaction.requiringNew().run(() -> {
            SsfStream stream = SsfStream.findById(id);
            if (SsfStream.DISABLED.equals(stream.status)) {
                throw new ConflictProblem("stream " + id + " is disabled");
            }
            transmitter.verification(stream, state);
        });
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
    public Map<String, Object> poll(@PathParam("streamId") String streamId, JsonNode body) throws InterruptedException {
        JsonNode request = body == null || body.isNull() ? com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode() : object(body);
        SsfStream stream = own(streamId);
        if (!SsfStream.POLL.equals(stream.deliveryMethod)) {
            throw new BadRequestProblem("stream_id", "is a push stream: its SETs are pushed, not polled");
        }
        List<String> acks = strings(request.get("ack"), "ack");
        transmitter.delivered(stream.id, acks, null);
        JsonNode errors = request.get("setErrs");
        if (errors != null && !errors.isNull()) {
            if (!errors.isObject()) {
                throw new BadRequestProblem("setErrs", "must be an object of jti: {err, description}");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = errors.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> error = it.next();
                transmitter.delivered(stream.id, List.of(error.getKey()), truncate("poller: " + error.getValue().path("err").asText("")
                        + ": " + error.getValue().path("description").asText(""), 1000));
            }
        }
        int max = request.has("maxEvents") ? request.get("maxEvents").asInt(-1) : 100;
        if (max < 0 || max > 1000) {
            throw new BadRequestProblem("maxEvents", "must be 0 to 1000");
        }
        boolean immediately = request.path("returnImmediately").asBoolean(false);
        Map<String, Object> answer = new LinkedHashMap<>();
        Map<String, String> sets = new LinkedHashMap<>();
        answer.put("sets", sets);
        if (max == 0 || !SsfStream.ENABLED.equals(stream.status)) {
            answer.put("moreAvailable", false);
            return answer;
        }
        long deadline = System.nanoTime() + settings.ssf().transmitter().longPoll().toNanos();
        List<CaepTransmitter.Pending> pending = transmitter.pending(stream.id, max + 1);
        // a waiting poll holds a worker thread: only so many wait at once, the others are answered at once (RFC 8936 allows it)
        if (pending.isEmpty() && !immediately && longPolls.tryAcquire()) {
            try {
                while (pending.isEmpty() && System.nanoTime() < deadline) {
                    // made on this instance: woken at once; on another: seen within half a second
                    transmitter.awaitArrival(Math.min(500, (deadline - System.nanoTime()) / 1_000_000));
                    pending = transmitter.pending(stream.id, max + 1);
                }
            } finally {
                longPolls.release();
            }
        }
        pending.stream().limit(max).forEach(p -> sets.put(p.jti(), keys.sign(p.claims())));
        answer.put("moreAvailable", pending.size() > max);
        return answer;
    }

    // ---- the documents

    private Map<String, Object> change(JsonNode body, boolean replace) {
        JsonNode request = object(body);
        UUID id = own(text(request, "stream_id", 64)).id;
        return QuarkusTransaction.requiringNew().call(() -> {
            SsfStream stream = SsfStream.findById(id);
            apply(stream, request, replace);
            return view(stream);
        });
    }

    /** What a create, update or replace says of delivery, events and description; on a create or replace, delivery is required. */
    private void apply(SsfStream stream, JsonNode request, boolean whole) {
        JsonNode delivery = request.get("delivery");
        if (delivery == null || delivery.isNull()) {
            if (whole) {
                throw new BadRequestProblem("delivery", "is required: {method, endpoint_url}");
            }
        } else {
            if (!delivery.isObject()) {
                throw new BadRequestProblem("delivery", "must be an object");
            }
            String method = text(delivery, "method", 64, "delivery.method");
            if (SsfStream.PUSH.equals(method)) {
                String url = text(delivery, "endpoint_url", 2048, "delivery.endpoint_url");
                if (url == null) {
                    throw new BadRequestProblem("delivery.endpoint_url", "must be the receiver's absolute https URL for pushes");
                }
                String refusal;
                try {
                    refusal = outbound.refusal(URI.create(url));
                } catch (IllegalArgumentException e) {
                    refusal = "is not a URL";
                }
                if (refusal != null) {
                    throw new BadRequestProblem("delivery.endpoint_url", refusal);
                }
                stream.endpointUrl = url;
                stream.authorizationHeader = text(delivery, "authorization_header", 4096, "delivery.authorization_header");
            } else if (SsfStream.POLL.equals(method)) {
                stream.endpointUrl = null;
                stream.authorizationHeader = null;
            } else {
                throw new BadRequestProblem("delivery.method", "must be " + SsfStream.PUSH + " (push) or " + SsfStream.POLL + " (poll)");
            }
            stream.deliveryMethod = method;
        }
        JsonNode events = request.get("events_requested");
        if (events != null || whole) {
            List<String> requested = strings(events, "events_requested");
            for (String event : requested) {
                if (event.length() > 255 || event.isBlank() || event.contains(" ")) {
                    throw new BadRequestProblem("events_requested", "holds event-type URIs");
                }
            }
            stream.request(requested);
        }
        if (request.has("description")) {
            stream.description = text(request, "description", 1000);
        }
        stream.updatedAt = clock.instant();
    }

    private Map<String, Object> view(SsfStream stream) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("stream_id", stream.id.toString());
        config.put("iss", settings.ssf().transmitter().issuer());
        config.put("aud", stream.audience);
        config.put("events_supported", CaepTransmitter.EVENTS_SUPPORTED);
        config.put("events_requested", List.copyOf(stream.eventsRequested));
        config.put("events_delivered", stream.eventsRequested.stream().filter(CaepTransmitter.EVENTS_SUPPORTED::contains).toList());
        Map<String, Object> delivery = new LinkedHashMap<>();
        delivery.put("method", stream.deliveryMethod);
        delivery.put("endpoint_url", SsfStream.POLL.equals(stream.deliveryMethod) ? base() + "/poll/" + stream.id : stream.endpointUrl);
        config.put("delivery", delivery);
        config.put("min_verification_interval", 0);
        if (stream.description != null) {
            config.put("description", stream.description);
        }
        return config;
    }

    private static Map<String, Object> statusOf(SsfStream stream) {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("stream_id", stream.id.toString());
        status.put("status", stream.status);
        if (stream.statusReason != null) {
            status.put("reason", stream.statusReason);
        }
        return status;
    }

    /** The transmitter's base URL for the endpoints it names. */
    private String base() {
        return settings.ssf().transmitter().issuer() + "/ssf/v1/transmitter";
    }

    /** The calling application: its OIDC client. */
    private String caller() {
        return actor.clientId() != null ? actor.clientId() : actor.name();
    }

    /** The stream, if the caller made it; 404 otherwise (another application's streams are not for it to see). */
    private SsfStream own(String streamId) {
        if (streamId == null || streamId.isBlank()) {
            throw new BadRequestProblem("stream_id", "is required");
        }
        UUID id;
        try {
            id = UUID.fromString(streamId);
        } catch (IllegalArgumentException e) {
            throw new NotFoundProblem("stream", streamId);
        }
        // with its events (read after the transaction: the view names them)
        SsfStream stream = QuarkusTransaction.requiringNew().call(() -> SsfStream.<SsfStream>find(
                "from SsfStream s left join fetch s.eventsRequested where s.id = ?1", id).firstResult());
        if (stream == null || !stream.clientId.equals(caller())) {
            throw new NotFoundProblem("stream", id);
        }
        return stream;
    }

    /** The guest a subject names: {format: email, email} or {format: opaque, id}; null if none is. */
    private UUID guestOf(JsonNode subject) {
        if (subject == null || !subject.isObject()) {
            throw new BadRequestProblem("subject", "is required: {format: email, email} or {format: opaque, id}");
        }
        String format = text(subject, "format", 32, "subject.format");
        return QuarkusTransaction.requiringNew().call(() -> switch (format == null ? "" : format) {
            case "email" -> {
                String email = text(subject, "email", 320, "subject.email");
                yield email == null ? null : Guest.<Guest>find("lower(email) = ?1 and state <> 'REMOVED'", email.toLowerCase(Locale.ROOT))
                        .firstResultOptional().map(g -> g.id).orElse(null);
            }
            case "opaque" -> {
                try {
                    String id = text(subject, "id", 64, "subject.id");
                    yield id == null || Guest.findById(UUID.fromString(id)) == null ? null : UUID.fromString(id);
                } catch (IllegalArgumentException e) {
                    yield null;
                }
            }
            default -> throw new BadRequestProblem("subject.format", "must be email or opaque");
        });
    }

    private static JsonNode object(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new BadRequestProblem("body", "must be a JSON object");
        }
        return body;
    }

    private static String text(JsonNode node, String field, int max) {
        return text(node, field, max, field);
    }

    private static String text(JsonNode node, String field, int max, String name) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new BadRequestProblem(name, "must be a string");
        }
        if (value.textValue().length() > max) {
            throw new BadRequestProblem(name, "is longer than " + max + " characters");
        }
        return value.textValue();
    }

    private static List<String> strings(JsonNode node, String field) {
        List<String> strings = new ArrayList<>();
        if (node == null || node.isNull()) {
            return strings;
        }
        if (!node.isArray()) {
            throw new BadRequestProblem(field, "must be an array of strings");
        }
        for (JsonNode item : node) {
            if (!item.isTextual()) {
                throw new BadRequestProblem(field, "must be an array of strings");
            }
            strings.add(item.textValue());
        }
        return strings;
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}

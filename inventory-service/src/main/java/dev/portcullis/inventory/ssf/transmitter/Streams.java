package dev.portcullis.inventory.ssf.transmitter;

import dev.portcullis.backbone.Ids;
import dev.portcullis.backbone.outbound.Outbound;
import dev.portcullis.backbone.problem.BadRequestProblem;
import dev.portcullis.backbone.problem.ConflictProblem;
import dev.portcullis.backbone.problem.NotFoundProblem;
import dev.portcullis.backbone.work.SinglePass;
import dev.portcullis.inventory.config.InventorySettings;
import dev.portcullis.inventory.domain.DeliveryMethod;
import dev.portcullis.inventory.domain.Guest;
import dev.portcullis.inventory.domain.SsfStream;
import dev.portcullis.inventory.domain.StreamStatus;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Semaphore;

/**
 * Our transmitter's streams (SSF 1.0 §8) as their receivers manage them: each receiver (an OIDC client) sees and changes only the
 * streams it made, another's is a 404. Each call is its own transaction; a stream comes back with its requested events loaded.
 */
@ApplicationScoped
public class Streams {

    /** What a create, update or replace says; the field names are SSF's. */
    public record Configuration(DeliveryMethod method, String endpointUrl, String authorizationHeader, List<String> eventsRequested,
            String description, boolean describes) {
    }

    /** What a poll asks: the jtis applied, those refused with why, how many more at most, and whether to wait for one. */
    public record Poll(List<String> acknowledged, Map<String, String> refused, int maxEvents, boolean returnImmediately) {
    }

    /** A poll's answer: the SETs, signed, by jti, and whether more are waiting. */
    public record Polled(Map<String, String> sets, boolean moreAvailable) {
    }

    @Inject
    Outbound outbound;

    @Inject
    EntityManager em;

    @Inject
    SinglePass singlePass;

    @Inject
    Clock clock;

    @Inject
    InventorySettings settings;

    @Inject
    CaepTransmitter transmitter;

    @Inject
    OwnSigningKeys keys;

    private Semaphore longPolls;

    @PostConstruct
    void bound() {
        longPolls = new Semaphore(settings.ssf().transmitter().maxLongPolls());
    }

    /** A new stream of the client's; one past {@code max-streams-per-client} is a 409. Every guest is a subject until removed. */
    public SsfStream create(String clientId, Configuration configuration) {
        SsfStream stream = new SsfStream();
        stream.id = Ids.next();
        stream.clientId = clientId;
        stream.audience = clientId;
        stream.status = StreamStatus.ENABLED;
        stream.createdAt = clock.instant();
        apply(stream, configuration, true);
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
        return stream;
    }

    /** Every stream the client made, oldest first. */
    public List<SsfStream> list(String clientId) {
        return QuarkusTransaction.requiringNew().call(() -> SsfStream.<SsfStream>list(
                "select distinct s from SsfStream s left join fetch s.eventsRequested where s.clientId = ?1 order by s.createdAt", clientId));
    }

    /** The stream, if the client made it; 404 otherwise (another application's streams are not for it to see). */
    public SsfStream own(String clientId, String streamId) {
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
        if (stream == null || !stream.clientId.equals(clientId)) {
            throw new NotFoundProblem("stream", id);
        }
        return stream;
    }

    /** An update ({@code whole} false: what is absent stays) or a replace (delivery required). */
    public SsfStream change(String clientId, String streamId, Configuration configuration, boolean whole) {
        UUID id = own(clientId, streamId).id;
        return QuarkusTransaction.requiringNew().call(() -> {
            SsfStream stream = SsfStream.findById(id);
            apply(stream, configuration, whole);
            stream.eventsRequested.size();
            return stream;
        });
    }

    /** Deletes the stream, with the SETs still waiting in it. */
    public void delete(String clientId, String streamId) {
        UUID id = own(clientId, streamId).id;
        QuarkusTransaction.requiringNew().run(() -> SsfStream.deleteById(id));
    }

    /** Sets the status; disabling drops the SETs waiting in the stream. */
    public SsfStream setStatus(String clientId, String streamId, StreamStatus status, String reason) {
        UUID id = own(clientId, streamId).id;
        return QuarkusTransaction.requiringNew().call(() -> {
            SsfStream stream = SsfStream.findById(id);
            stream.status = status;
            stream.statusReason = reason;
            stream.updatedAt = clock.instant();
            if (status == StreamStatus.DISABLED) {
                em.createNativeQuery("delete from ssf_outgoing_set where stream_id = ?1 and delivered_at is null").setParameter(1, id).executeUpdate();
            }
            return stream;
        });
    }

    /** Puts a guest back into the stream, or keeps them out of it; a subject that names no guest changes nothing (and says nothing). */
    public void include(String clientId, String streamId, String format, String email, String guestId, boolean included) {
        UUID stream = own(clientId, streamId).id;
        UUID guest = guestOf(format, email, guestId);
        if (guest == null) {
            return;
        }
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery(included
                ? "delete from ssf_stream_excluded_subject where stream_id = ?1 and guest_id = ?2"
                : "insert into ssf_stream_excluded_subject (stream_id, guest_id) values (?1, ?2) on conflict do nothing")
                .setParameter(1, stream).setParameter(2, guest).executeUpdate());
    }

    /** Sends a verification SET carrying {@code state} through the stream; 409 if it is disabled. */
    public void verify(String clientId, String streamId, String state) {
        UUID id = own(clientId, streamId).id;
        QuarkusTransaction.requiringNew().run(() -> {
            SsfStream stream = SsfStream.findById(id);
            if (stream.status == StreamStatus.DISABLED) {
                throw new ConflictProblem("stream " + id + " is disabled");
            }
            transmitter.verification(stream, state);
        });
    }

    /**
     * RFC 8936: records what the poller applied and refused (neither comes again), then answers up to {@code maxEvents} SETs, waiting
     * up to {@code long-poll} for one unless asked to return at once. A paused or disabled stream gives none.
     */
    public Polled poll(String clientId, String streamId, Poll poll) throws InterruptedException {
        SsfStream stream = own(clientId, streamId);
        if (stream.deliveryMethod != DeliveryMethod.POLL) {
            throw new BadRequestProblem("stream_id", "is a push stream: its SETs are pushed, not polled");
        }
        transmitter.delivered(stream.id, poll.acknowledged(), null);
        poll.refused().forEach((jti, why) -> transmitter.delivered(stream.id, List.of(jti), truncate("poller: " + why, 1000)));
        int max = poll.maxEvents();
        Map<String, String> sets = new java.util.LinkedHashMap<>();
        if (max == 0 || stream.status != StreamStatus.ENABLED) {
            return new Polled(sets, false);
        }
        long deadline = System.nanoTime() + settings.ssf().transmitter().longPoll().toNanos();
        List<CaepTransmitter.Pending> pending = transmitter.pending(stream.id, max + 1);
        // a waiting poll holds a worker thread: only so many wait at once, the others are answered at once (RFC 8936 allows it)
        if (pending.isEmpty() && !poll.returnImmediately() && longPolls.tryAcquire()) {
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
        return new Polled(sets, pending.size() > max);
    }

    /** What a create, update or replace says of delivery, events and description; on a create or replace, delivery is required. */
    private void apply(SsfStream stream, Configuration configuration, boolean whole) {
        if (configuration.method() == null) {
            if (whole) {
                throw new BadRequestProblem("delivery", "is required: {method, endpoint_url}");
            }
        } else {
            if (configuration.method() == DeliveryMethod.PUSH) {
                String url = configuration.endpointUrl();
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
                stream.authorizationHeader = configuration.authorizationHeader();
            } else {
                stream.endpointUrl = null;
                stream.authorizationHeader = null;
            }
            stream.deliveryMethod = configuration.method();
        }
        if (configuration.eventsRequested() != null || whole) {
            stream.request(configuration.eventsRequested() == null ? List.of() : configuration.eventsRequested());
        }
        if (configuration.describes()) {
            stream.description = configuration.description();
        }
        stream.updatedAt = clock.instant();
    }

    /** The guest a subject names: {format: email, email} or {format: opaque, id}; null if none is. */
    private UUID guestOf(String format, String email, String id) {
        return QuarkusTransaction.requiringNew().call(() -> switch (format == null ? "" : format) {
            case "email" -> email == null ? null : Guest.<Guest>find("lower(email) = ?1 and state <> 'REMOVED'", email.toLowerCase(Locale.ROOT))
                    .firstResultOptional().map(g -> g.id).orElse(null);
            case "opaque" -> {
                try {
                    yield id == null || Guest.findById(UUID.fromString(id)) == null ? null : UUID.fromString(id);
                } catch (IllegalArgumentException e) {
                    yield null;
                }
            }
            default -> throw new BadRequestProblem("subject.format", "must be email or opaque");
        });
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}

package dev.portcullis.inventory.ssf.transmitter;

import dev.portcullis.inventory.domain.StreamStatus;
import dev.portcullis.inventory.domain.DeliveryMethod;
import dev.portcullis.inventory.domain.SsfStream;

import dev.portcullis.backbone.outbound.Outbound;
import dev.portcullis.backbone.work.BackgroundWorker;
import dev.portcullis.backbone.work.RowLeases;
import dev.portcullis.inventory.config.InventorySettings;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Pushes our SETs to the receivers' endpoints (RFC 8935), in order per stream: one instance at a time holds a stream (a lease
 * on its row, taken with {@code skip locked}, so two instances share the streams and a killed one's lease runs out), pushes its
 * SETs oldest first, and stops at the first that does not go through. A {@code 2xx} delivers a SET; a {@code 400} with an RFC
 * 8935 error is the receiver refusing that SET for good (recorded, and the next goes); anything else (no answer, {@code 5xx},
 * {@code 401}) is transient: the stream waits, doubling from one second up to {@code max-backoff}, and the same SET goes again.
 * A SET pushed just before a crash may be pushed again: receivers tell repeats by {@code jti}.
 */
@ApplicationScoped
public class SetPusher {

    private final RowLeases leases = new RowLeases("ssf_stream", "id");
    private BackgroundWorker worker;

    private static final Logger LOG = Logger.getLogger(SetPusher.class);
    private static final int STREAMS_PER_PASS = 16;
    private static final int SETS_PER_STREAM = 100;

    @Inject
    EntityManager em;

    @Inject
    InventorySettings settings;

    @Inject
    OwnSigningKeys keys;

    @Inject
    jakarta.enterprise.inject.Instance<CaepTransmitter> transmitter;

    @Inject
    Outbound outbound;

    void start(@Observes StartupEvent event) {
        Duration lease = settings.ssf().transmitter().pushLease();
        if (lease.compareTo(onePush().multipliedBy(2)) < 0) {
            throw new IllegalStateException("portcullis.inventory.ssf.transmitter.push-lease (" + lease + ") must be at least twice push-timeout + 1 s ("
                    + onePush().multipliedBy(2) + "): a stream's lease must outlast a push");
        }
        worker = new BackgroundWorker("ssf-push", this::pass, Duration.ofSeconds(1), Duration.ofSeconds(10));
        worker.start();
    }

    void stop(@Observes ShutdownEvent event) {
        if (worker != null) {
            worker.stop();
        }
    }

    /** Looks at once, instead of when the worker next would. */
    void wake() {
        if (worker != null) {
            worker.wake();
        }
    }

    /** One pass: the streams this instance could take, each pushed as far as its lease allows. True when more is waiting. */
    boolean pass() {
        RowLeases.Claimed claimed = leases.claim(em, "delivery_method = '" + DeliveryMethod.PUSH.uri() + "' and status = '" + StreamStatus.ENABLED.wireName() + "'"
                + " and (next_attempt_at is null or next_attempt_at <= now()) and exists (select 1 from ssf_outgoing_set o"
                + " where o.stream_id = ssf_stream.id and o.delivered_at is null)", "id", settings.ssf().transmitter().pushLease(), STREAMS_PER_PASS);
        boolean more = claimed.ids().size() == STREAMS_PER_PASS;
        for (UUID streamId : claimed.ids()) {
            try {
                more |= push(streamId, claimed);
            } finally {
                leases.release(em, streamId);
            }
        }
        return more;
    }

    /** The longest one push may take, answer and bookkeeping included: none starts unless the lease outlasts it. */
    private Duration onePush() {
        return settings.ssf().transmitter().pushTimeout().plusSeconds(1);
    }

    /** Pushes the stream's waiting SETs in order while the claim lasts; true if it stopped with more waiting. */
    private boolean push(UUID streamId, RowLeases.Claimed claimed) {
        if (!claimed.leaves(onePush())) {
            return true;
        }
        SsfStream stream = QuarkusTransaction.requiringNew().call(() -> SsfStream.<SsfStream>findById(streamId));
        if (stream == null || stream.endpointUrl == null) {
            return false;
        }
        List<CaepTransmitter.Pending> pending = transmitter.get().pending(streamId, SETS_PER_STREAM);
        for (CaepTransmitter.Pending set : pending) {
            if (!claimed.leaves(onePush())) {
                return true; // another instance may take the stream once the lease runs out: never two pushing it at once
            }
            String failure;
            try {
                Map<String, String> headers = new HashMap<>(Map.of("Content-Type", "application/secevent+jwt", "Accept", "application/json"));
                if (stream.authorizationHeader != null) {
                    headers.put("Authorization", stream.authorizationHeader);
                }
                Outbound.Answer response = outbound.send(new Outbound.Call("POST", URI.create(stream.endpointUrl), headers, keys.sign(set.claims()),
                        settings.ssf().transmitter().pushTimeout()));
                int status = response.status();
                if (status >= 200 && status < 300) {
                    transmitter.get().delivered(streamId, List.of(set.jti()), null);
                    continue;
                }
                if (status == 400) {
                    // the receiver read the SET and refused it (RFC 8935 §2.3): pushing it again would be refused again
                    String refusal = truncate("refused: " + response.body(), 1000);
                    transmitter.get().delivered(streamId, List.of(set.jti()), refusal);
                    LOG.warnf("stream=%s SET %s %s", streamId, set.jti(), refusal);
                    continue;
                }
                failure = "HTTP " + status;
            } catch (Outbound.Refused | IllegalArgumentException e) {
                failure = e.getMessage();
            }
            retryLater(stream, failure);
            return false;
        }
        if (!pending.isEmpty()) {
            QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("update ssf_stream set attempts = 0, next_attempt_at = null,"
                    + " last_error = null where id = ?1 and attempts > 0").setParameter(1, streamId).executeUpdate());
        }
        return pending.size() == SETS_PER_STREAM;
    }

    private void retryLater(SsfStream stream, String failure) {
        long seconds = Math.min(settings.ssf().transmitter().maxBackoff().toSeconds(), 1L << Math.min(stream.attempts, 20));
        LOG.warnf("stream=%s push to %s failed (%s): again in %d s", stream.id, stream.endpointUrl, failure, seconds);
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("update ssf_stream set attempts = attempts + 1,"
                + " next_attempt_at = now() + make_interval(secs => ?1), last_error = ?2 where id = ?3").setParameter(1, seconds)
                .setParameter(2, truncate(failure, 1000)).setParameter(3, stream.id).executeUpdate());
    }

    private static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}

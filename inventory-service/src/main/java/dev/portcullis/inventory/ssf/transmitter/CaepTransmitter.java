package dev.portcullis.inventory.ssf.transmitter;

import dev.portcullis.inventory.domain.SsfStream;
import static dev.portcullis.inventory.ssf.EventTypes.SESSION_REVOKED;
import static dev.portcullis.inventory.ssf.EventTypes.VERIFICATION;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.backbone.outbox.Outbox;
import dev.portcullis.backbone.work.AfterCommit;
import dev.portcullis.backbone.work.PerTransaction;
import dev.portcullis.events.ocsf.OcsfMapping;
import dev.portcullis.inventory.config.InventorySettings;
import dev.portcullis.inventory.domain.Guest;
import dev.portcullis.inventory.service.GuestSessions;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.FlushModeType;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Our CAEP transmitter's SETs: made in the transaction of the change they tell (so none is lost and none tells of a change that
 * rolled back), kept in {@code ssf_outgoing_set} in order per stream, and delivered from there by {@link SetPusher} (push) or to
 * the receiver's poll. The claims are signed when delivered, with the key in use then.
 */
@ApplicationScoped
public class CaepTransmitter implements GuestSessions {

    private static final Logger LOG = Logger.getLogger(CaepTransmitter.class);

    /** The events a receiver may ask for; verification is always delivered when asked for by {@code /verify}. */
    public static final List<String> EVENTS_SUPPORTED = List.of(SESSION_REVOKED);

    @Inject
    EntityManager em;

    @Inject
    ObjectMapper json;

    @Inject
    Clock clock;

    @Inject
    AfterCommit afterCommit;

    @Inject
    InventorySettings settings;

    @Inject
    SetPusher pusher;

    @Inject
    Outbox outbox;

    @Inject
    jakarta.transaction.TransactionSynchronizationRegistry registry;

    /** This transaction's streams that take session-revoked (the key of its value: CaepTransmitter.class is its after-commit's). */
    private static final Object STREAMS_ASKING = new Object();

    /** Wakes the polls waiting on this instance when a SET is made here (a poll also looks again twice a second for others' SETs). */
    private final Object arrivals = new Object();

    /**
     * The guest's sessions must end in our applications (blocked, removed, or a partner's CAEP session-revoked): one
     * {@code session-revoked} for each enabled or paused stream that asked for it and did not remove the guest from its subjects.
     * The subject is the guest's email, as it is now (before a removal erases it).
     */
    // Both statements here touch only the transmitter's tables, which nothing in the caller's session writes: they run without
    // flushing it first (a partner's block revokes many guests in one transaction; a flush per guest would grow with their number).
    @Override
    @Transactional(Transactional.TxType.MANDATORY)
    public int revoke(Guest guest, String initiatingEntity, String reason) {
        // the streams that take session-revoked, read once per transaction (a partner's block revokes hundreds of guests in one);
        // of those, the ones that removed this guest from their subjects, asked per guest only when there are any
        @SuppressWarnings("unchecked")
        List<SsfStream> asking = PerTransaction.value(registry, STREAMS_ASKING, () -> (List<SsfStream>) em.createNativeQuery("select s.* from ssf_stream s"
                + " where s.status in ('enabled', 'paused') and exists (select 1 from ssf_stream_event e where e.stream_id = s.id and e.event_type = ?1)"
                + " order by s.id", SsfStream.class).setParameter(1, SESSION_REVOKED).setFlushMode(FlushModeType.COMMIT).getResultList());
        if (asking.isEmpty()) {
            return 0;
        }
        @SuppressWarnings("unchecked")
        List<UUID> excluding = em.createNativeQuery("select stream_id from ssf_stream_excluded_subject where guest_id = ?1")
                .setParameter(1, guest.id).setFlushMode(FlushModeType.COMMIT).getResultList();
        List<SsfStream> streams = asking.stream().filter(s -> !excluding.contains(s.id)).toList();
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("event_timestamp", clock.instant().getEpochSecond());
        event.put("initiating_entity", initiatingEntity);
        if (reason != null) {
            event.put("reason_admin", Map.of("en", reason));
        }
        int made = 0;
        for (SsfStream stream : streams) {
            String jti = enqueue(stream, SESSION_REVOKED, Map.of("format", "email", "email", guest.email), event);
            // the SOC's record of the SET sent, naming the guest by address as the SET does
            outbox.publish(OcsfMapping.setSent(UUID.fromString(jti), SESSION_REVOKED, stream.id.toString(), stream.audience,
                    guest.id.toString(), guest.email, clock.instant()));
            made++;
        }
        if (made > 0) {
            LOG.infof("guest=%s session-revoked to %d stream(s) (%s)", guest.id, made, reason);
        }
        return made;
    }

    /** A verification event for the stream (SSF 1.0 §8.1.4), carrying the receiver's {@code state}. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void verification(SsfStream stream, String state) {
        Map<String, Object> event = state == null ? Map.of() : Map.of("state", state);
        enqueue(stream, VERIFICATION, Map.of("format", "opaque", "id", stream.id.toString()), event);
    }

    /** Makes the SET; returns its {@code jti}. */
    private String enqueue(SsfStream stream, String eventType, Map<String, Object> subject, Map<String, Object> event) {
        Instant now = clock.instant();
        String jti = UUID.randomUUID().toString();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", settings.ssf().transmitter().issuer());
        claims.put("jti", jti);
        claims.put("iat", now.getEpochSecond());
        claims.put("aud", stream.audience);
        claims.put("sub_id", subject);
        claims.put("events", Map.of(eventType, event));
        try {
            em.createNativeQuery("insert into ssf_outgoing_set (stream_id, jti, event_type, claims, created_at) values (?1, ?2, ?3, ?4, ?5)")
                    .setParameter(1, stream.id).setParameter(2, jti).setParameter(3, eventType).setParameter(4, json.writeValueAsString(claims))
                    .setParameter(5, now).setFlushMode(FlushModeType.COMMIT).executeUpdate();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        afterCommit.runOnce(CaepTransmitter.class, () -> {
            pusher.wake();
            synchronized (arrivals) {
                arrivals.notifyAll();
            }
        });
        return jti;
    }

    /** One SET waiting for its receiver: its place in the stream, its jti, and its claims (unsigned). */
    record Pending(long seq, String jti, String claims) {
    }

    /** Up to {@code max} of the stream's undelivered SETs, oldest first. */
    @SuppressWarnings("unchecked")
    List<Pending> pending(UUID streamId, int max) {
        return QuarkusTransaction.requiringNew().call(() -> ((List<Object[]>) em.createNativeQuery("select seq, jti, claims from ssf_outgoing_set"
                + " where stream_id = ?1 and delivered_at is null order by seq limit ?2").setParameter(1, streamId).setParameter(2, max)
                .getResultList()).stream().map(r -> new Pending(((Number) r[0]).longValue(), (String) r[1], (String) r[2])).toList());
    }

    /** Marks SETs of the stream delivered (pushed and accepted, or acknowledged by the poller), with the error a receiver gave if any. */
    int delivered(UUID streamId, List<String> jtis, String error) {
        if (jtis.isEmpty()) {
            return 0;
        }
        return QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery("update ssf_outgoing_set set delivered_at = ?1, error = ?2"
                + " where stream_id = ?3 and jti in (?4) and delivered_at is null").setParameter(1, clock.instant()).setParameter(2, error)
                .setParameter(3, streamId).setParameter(4, jtis).executeUpdate());
    }

    /** Waits up to {@code millis} for a SET made on this instance. */
    void awaitArrival(long millis) throws InterruptedException {
        synchronized (arrivals) {
            arrivals.wait(Math.max(1, millis));
        }
    }
}

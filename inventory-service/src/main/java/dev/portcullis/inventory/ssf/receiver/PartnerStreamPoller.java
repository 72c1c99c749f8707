package dev.portcullis.inventory.ssf.receiver;

import dev.portcullis.inventory.domain.PartnerTransmitter;

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
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jboss.logging.Logger;

/**
 * Polls the partners' POLL streams (RFC 8936): one instance at a time per stream (a lease on the partner's transmitter row, taken
 * with {@code skip locked}; a killed instance's lease runs out), every {@code poll-every} while a stream has nothing. Each SET
 * goes through {@link SetReceiver} as a pushed one does; what it applied (or had applied before: a repeat) is acknowledged with
 * the next poll, what it refused is returned as an error with its RFC 8935 code, and what failed here (the database) is neither,
 * so the transmitter gives it again.
 */
@ApplicationScoped
public class PartnerStreamPoller {

    private final RowLeases leases = new RowLeases("partner_transmitter", "partner_id");
    private BackgroundWorker worker;

    private static final Logger LOG = Logger.getLogger(PartnerStreamPoller.class);
    private static final Duration LEASE = Duration.ofSeconds(60);
    private static final int STREAMS_PER_PASS = 8;

    @Inject
    EntityManager em;

    @Inject
    InventorySettings settings;

    @Inject
    PartnerStreams streams;

    @Inject
    SetReceiver receiver;

    private final ExecutorService pollers = Executors.newFixedThreadPool(STREAMS_PER_PASS, r -> {
        Thread thread = new Thread(r, "ssf-poll-stream");
        thread.setDaemon(true);
        return thread;
    });

    void start(@Observes StartupEvent event) {
        worker = new BackgroundWorker("ssf-poll", this::pass, settings.ssf().pollEvery(), Duration.ofSeconds(30));
        worker.start();
    }

    void stop(@Observes ShutdownEvent event) {
        if (worker != null) {
            worker.stop();
        }
        pollers.shutdownNow();
    }

    /** Looks at once, instead of when the worker next would. */
    void wake() {
        if (worker != null) {
            worker.wake();
        }
    }

    boolean pass() throws InterruptedException {
        // each stream on a thread of its own: one transmitter holding a long poll keeps no other stream waiting
        List<Callable<Boolean>> polls = new ArrayList<>();
        RowLeases.Claimed claimed = leases.claim(em, "delivery = 'POLL'", "partner_id", LEASE, STREAMS_PER_PASS);
        for (UUID partnerId : claimed.ids()) {
            polls.add(() -> {
                try {
                    return poll(partnerId, claimed);
                } finally {
                    leases.release(em, partnerId);
                }
            });
        }
        boolean more = false;
        for (Future<Boolean> done : pollers.invokeAll(polls)) {
            try {
                more |= done.get();
            } catch (ExecutionException e) {
                LOG.warnf("a poll failed: %s", e.getCause().toString());
            }
        }
        return more;
    }

    /** Polls one stream until it has nothing more and every answer is sent; true if it stopped with more waiting. */
    private boolean poll(UUID partnerId, RowLeases.Claimed claimed) {
        PartnerTransmitter transmitter = QuarkusTransaction.requiringNew().call(() -> PartnerTransmitter.<PartnerTransmitter>findById(partnerId));
        if (transmitter == null || transmitter.pollEndpoint == null) {
            return false;
        }
        List<String> acks = new ArrayList<>();
        Map<String, Map<String, String>> errors = new LinkedHashMap<>();
        String problem = null;
        boolean more = false;
        // no poll starts unless the lease outlasts it: never two pollers on one stream
        Duration onePoll = streams.longestPoll(settings.ssf().longPoll());
        try {
            while (claimed.leaves(onePoll)) {
                PartnerStreams.Polled polled = streams.poll(transmitter, acks, errors, settings.ssf().longPoll());
                acks.clear();
                errors.clear();
                polled(partnerId, null);
                for (Map.Entry<String, String> set : polled.sets().entrySet()) {
                    try {
                        receiver.receivePolled(partnerId, set.getValue());
                        acks.add(set.getKey());
                    } catch (SetRefused e) {
                        errors.put(set.getKey(), Map.of("err", e.err, "description", e.getMessage()));
                    } catch (RuntimeException e) {
                        // not the SET's fault: neither acknowledged nor refused, so it comes again
                        LOG.warnf("partner=%s polled SET %s not applied now: %s", partnerId, set.getKey(), e.toString());
                    }
                }
                more = polled.moreAvailable();
                if (acks.isEmpty() && errors.isEmpty() && !more) {
                    break;
                }
            }
        } catch (IllegalArgumentException e) {
            problem = e.getMessage();
            LOG.warnf("partner=%s poll of %s failed: %s", partnerId, transmitter.pollEndpoint, problem);
        }
        if (problem != null) {
            polled(partnerId, problem.length() > 1000 ? problem.substring(0, 1000) : problem);
        }
        return more;
    }

    /** When the stream was last polled, and what went wrong if it did not go through (null: it did). */
    private void polled(UUID partnerId, String error) {
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("update partner_transmitter set last_polled_at = now(), last_error = ?1"
                + " where partner_id = ?2").setParameter(1, error).setParameter(2, partnerId).executeUpdate());
    }
}

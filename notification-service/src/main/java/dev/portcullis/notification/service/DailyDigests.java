package dev.portcullis.notification.service;

import dev.portcullis.backbone.work.BackgroundWorker;
import dev.portcullis.backbone.work.SinglePass;
import dev.portcullis.notification.config.NotificationSettings;
import dev.portcullis.notification.domain.Notification;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * The daily digest of those who chose one: at the digest time, each person's HELD messages go in one
 * DAILY_DIGEST message (planned like any other, so the sender sends and retries it) and become DIGESTED.
 * Safe with several instances: a person's digest is made under a transaction-scoped advisory lock on
 * them, from the held rows it locks, so each held message goes in exactly one digest.
 */
@ApplicationScoped
public class DailyDigests {

    private static final Logger LOG = Logger.getLogger(DailyDigests.class);

    @Inject
    EntityManager em;

    @Inject
    SinglePass singlePass;

    @Inject
    Messages messages;

    @Inject
    NotificationSettings settings;

    @Inject
    Clock clock;

    private BackgroundWorker worker;

    void start(@Observes StartupEvent event) {
        worker = new BackgroundWorker("daily-digests", () -> {
            run(clock.instant());
            return false;
        }, Duration.ofMinutes(1), Duration.ofMinutes(5));
        worker.start();
    }

    void stop(@Observes ShutdownEvent event) {
        worker.stop();
    }

    /** The first digest time after {@code from} (UTC). */
    static Instant next(LocalTime digestTime, Instant from) {
        ZonedDateTime today = from.atZone(ZoneOffset.UTC).with(digestTime);
        return (today.toInstant().isAfter(from) ? today : today.plusDays(1)).toInstant();
    }

    /** Makes the digest of everyone whose held messages are due at {@code now}; returns how many digests were planned. */
    @SuppressWarnings("unchecked")
    public int run(Instant now) {
        List<String> recipients = QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery(
                "select distinct recipient from notification where status = 'HELD' and next_attempt_at <= ?1").setParameter(1, now).getResultList());
        int planned = 0;
        for (String recipient : recipients) {
            planned += QuarkusTransaction.requiringNew().call(() -> digest(recipient, now)) ? 1 : 0;
        }
        return planned;
    }

    @SuppressWarnings("unchecked")
    private boolean digest(String recipient, Instant now) {
        if (!singlePass.tryTake("notification:digest:" + recipient)) {
            return false; // another instance is making this person's digest
        }
        List<UUID> ids = em.createNativeQuery("select id from notification where recipient = ?1 and status = 'HELD' and next_attempt_at <= ?2"
                + " order by created_at for update").setParameter(1, recipient).setParameter(2, now).getResultList();
        if (ids.isEmpty()) {
            return false; // digested already
        }
        List<Notification> held = Notification.list("id in ?1 order by createdAt", ids);
        List<Map<String, Object>> items = held.stream().<Map<String, Object>>map(n -> Map.of("subject", n.subject, "text", n.body.strip())).toList();
        // the cause is the first held message: the same rows could never make a second digest, even planned twice
        boolean planned = messages.plan(recipient, Notification.Type.DAILY_DIGEST, "digest:" + held.get(0).id,
                Map.of("count", held.size(), "messages", items), "daily-digest", Messages.About.NOBODY);
        held.forEach(n -> n.status = Notification.Status.DIGESTED);
        LOG.infof("daily digest from held notification=%s: %d held messages", held.get(0).id, held.size()); // ids, never addresses
        return planned;
    }
}

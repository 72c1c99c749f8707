package dev.portcullis.notification.service;

import dev.portcullis.backbone.Entities;
import dev.portcullis.backbone.outbox.Outbox;
import dev.portcullis.backbone.trace.Traces;
import dev.portcullis.backbone.work.BackgroundWorker;
import dev.portcullis.backbone.work.Failures;
import dev.portcullis.backbone.work.RowLeases;
import dev.portcullis.events.NotificationDelivered;
import dev.portcullis.events.NotificationFailed;
import dev.portcullis.notification.config.NotificationSettings;
import dev.portcullis.notification.domain.Notification;
import dev.portcullis.notification.domain.Webhook;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import io.quarkus.mailer.Mail;
import io.quarkus.mailer.Mailer;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.ext.mail.SMTPException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * Sends due messages over SMTP outside any Kafka consumer (a blocking send inside one stalls it), and
 * posts the webhook endpoints' copies ({@link WebhookPoster}) the same way: claimed, retried, logged.
 * <p>
 * Safe with several instances: a pass <em>claims</em> due messages, a batch at a time as its conversations free up
 * ({@code FOR UPDATE SKIP LOCKED}, stamped with this instance and a claim deadline), so two
 * instances never send the same message; a killed instance's claims lapse after
 * {@code portcullis.notification.mail.claim} and another instance sends them. Up to
 * {@code portcullis.notification.mail.concurrency} messages are in flight at once, and mails leave at most at
 * {@code portcullis.notification.mail.rate} per second per instance (relays throttle, and some block a sender that floods them).
 * A delivery is written as soon as the server took the message: SENT with {@code notification-delivered}, by a recorder thread, in
 * one small transaction with the others handed over while it wrote the last, and with those of the sends still open, for at most
 * {@link #GATHER} (a block's sponsor and owners: one commit and one relay pass, not one each). A failure is written at once: a
 * permanent refusal (SMTP 5xx but 500-504, see {@link #refusedForGood}) FAILED with {@code notification-failed}; anything else
 * waits for the message's own next attempt (exponential back-off), so one bad address delays nobody else. Delivery is at least
 * once: a crash sends again, when their claims lapse and with the same {@code Message-ID}, only the messages whose conversations
 * were open at that instant or whose delivery was not written yet: at most {@code concurrency} together, since a pass opens no
 * conversation while those two make that many.
 */
@ApplicationScoped
public class MailSender {

    private static final Logger LOG = Logger.getLogger(MailSender.class);

    /**
     * How long the recorder waits for the deliveries of the sends still open before it writes those it holds: conversations
     * started together end within milliseconds of each other on a nearby relay, and one transaction for all of them is one commit
     * and one Kafka transaction of the relay instead of one each. A busy sender needs no wait: its deliveries gather anyway while
     * the recorder writes the previous group.
     */
    static final Duration GATHER = Duration.ofMillis(20);

    @Inject
    Mailer mailer;

    @Inject
    Outbox outbox;

    @Inject
    EntityManager em;

    @Inject
    Clock clock;

    @Inject
    Traces traces;

    @Inject
    MeterRegistry metrics;

    @Inject
    NotificationSettings settings;

    @Inject
    WebhookPoster webhooks;

    @Inject
    Messages messages;

    private ExecutorService senders;
    private Pace pace;
    /** Messages claimed at once: at most what the pace lets out in a quarter of the claim, so a claimed batch goes before its claim lapses. */
    private int batch;

    private final RowLeases leases = new RowLeases("notification", "id",
            ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID().toString().substring(0, 8));
    private BackgroundWorker worker;
    private final Recorder recorder = new Recorder();
    /** Sends submitted whose outcome is not handed to the recorder yet: while there are some, the recorder waits for them ({@link #GATHER}). */
    private final java.util.concurrent.atomic.AtomicInteger open = new java.util.concurrent.atomic.AtomicInteger();
    private Counter sent;
    private Counter failed;
    private Counter failedAttempts;

    void start(@Observes StartupEvent event) {
        Duration sendTimeout = ConfigProvider.getConfig().getValue("quarkus.mailer.timeout", Duration.class);
        if (sendTimeout.isZero() || sendTimeout.compareTo(settings.mail().claim()) >= 0 || WebhookPoster.TIMEOUT.compareTo(settings.mail().claim()) >= 0) {
            // a send still waiting when its claim lapses would be sent a second time by another instance
            throw new IllegalStateException("quarkus.mailer.timeout (" + sendTimeout + ") must be set and shorter than portcullis.notification.mail.claim ("
                    + settings.mail().claim() + ")");
        }
        sent = metrics.counter("portcullis.mail.sent");
        failed = metrics.counter("portcullis.mail.failed");
        failedAttempts = metrics.counter("portcullis.mail.attempts.failed");
        Gauge.builder("portcullis.mail.pending", this, MailSender::pendingOrNaN).description("messages due and not sent yet").register(metrics);
        pace = new Pace(settings.mail().rate());
        // a claim refills every conversation once: claimed messages wait little, and another instance takes the rest
        batch = (int) Math.max(1, Math.min(settings.mail().concurrency(), settings.mail().rate() * settings.mail().claim().toSeconds() / 4));
        senders = Executors.newFixedThreadPool(settings.mail().concurrency(), runnable -> {
            Thread thread = new Thread(runnable, "mail-send");
            thread.setDaemon(true);
            return thread;
        });
        recorder.start();
        worker = new BackgroundWorker("mail-sender", this::sendDue, Duration.ofSeconds(1), Duration.ofSeconds(30));
        worker.start();
    }

    void stop(@Observes ShutdownEvent event) {
        worker.stop();
        senders.shutdownNow();
        recorder.stop();
    }

    public void wake() {
        if (worker != null) {
            worker.wake();
        }
    }

    /**
     * One pass: keeps every conversation busy, claiming due messages as conversations free up (a pass that sent in rounds
     * waited for each round's slowest conversation), and hands each delivery to the recorder as soon as it is known; returns
     * once what it sent is recorded. Ends when nothing more is due or after a quarter of the claim; returns true in the second case.
     */
    public boolean sendDue() throws InterruptedException {
        CompletionService<Delivered> sends = new ExecutorCompletionService<>(senders);
        ArrayDeque<Notification> claimed = new ArrayDeque<>();
        List<Delivered> delivered = new ArrayList<>();
        long recorded = 0;
        long until = System.nanoTime() + settings.mail().claim().toNanos() / 4;
        boolean drained = false;
        boolean timeUp = false;
        int inFlight = 0;
        try {
            while (true) {
                // a mail the server took and the recorder has not written yet goes again if this instance dies, as does one in flight:
                // together they stay within the conversations, so a kill sends at most that many twice
                while (inFlight + recorder.unwritten() < settings.mail().concurrency() && !(claimed.isEmpty() && drained)) {
                    if (claimed.isEmpty()) {
                        timeUp = System.nanoTime() >= until;
                        List<Notification> more = timeUp ? List.of() : claimDue();
                        drained = more.size() < batch;
                        claimed.addAll(more);
                        if (claimed.isEmpty()) {
                            break;
                        }
                    }
                    Notification message = claimed.poll();
                    sends.submit(() -> send(message));
                    open.incrementAndGet();
                    inFlight++;
                }
                if (inFlight == 0) {
                    if (recorder.unwritten() > 0 && !(claimed.isEmpty() && drained)) {
                        recorder.awaitUnwrittenBelow(settings.mail().concurrency(), settings.mail().claim().dividedBy(4));
                        continue;
                    }
                    return timeUp;
                }
                // what the server took goes to the recorder at once: written with whatever else finished meanwhile, while this
                // thread keeps the conversations busy (a commit per send, made here, halved the throughput)
                Future<Delivered> outcome = sends.take();
                inFlight--;
                collect(outcome, delivered);
                recorded = recorder.hand(delivered, 1);
                delivered.clear();
            }
        } finally {
            // never leave sends running outside a pass; what went is recorded even when the pass failed (a claim)
            int outcomes = inFlight;
            try {
                for (; inFlight > 0; inFlight--) {
                    collect(sends.take(), delivered);
                }
            } finally {
                // every send counted open is counted closed, even when an interrupt (the service stopping) ends the collecting
                // early: otherwise the recorder would wait its full GATHER for each later group
                recorded = recorder.hand(delivered, outcomes);
            }
            recorder.awaitRecorded(recorded, settings.mail().claim().dividedBy(2));
        }
    }

    /**
     * Writes deliveries as they come, on a thread of its own: each group is whatever was handed while the previous one was being
     * committed, so a delivery waits for at most one commit, and the commits grow with the load instead of their number. What
     * cannot be written (the database down) is tried again until half its claim is gone; after that it is left to be sent again
     * when its claim lapses (at least once).
     */
    private final class Recorder {

        private final java.util.concurrent.LinkedBlockingQueue<Delivered> waiting = new java.util.concurrent.LinkedBlockingQueue<>();
        private long handed;
        private long done;
        private Thread thread;

        void start() {
            thread = new Thread(this::run, "mail-recorder");
            thread.setDaemon(true);
            thread.start();
        }

        void stop() {
            if (thread != null) {
                thread.interrupt();
            }
        }

        /**
         * Hands over the deliveries of {@code outcomes} sends that ended (some may have failed); returns how many deliveries were
         * handed since start, for {@link #awaitRecorded}.
         */
        synchronized long hand(List<Delivered> delivered, int outcomes) {
            handed += delivered.size();
            waiting.addAll(delivered);
            open.addAndGet(-outcomes);
            return handed;
        }

        /** Deliveries handed and not written yet (nor given up). */
        synchronized long unwritten() {
            return handed - done;
        }

        /** Waits until fewer than {@code most} deliveries are waiting to be written, at most {@code atMost}. */
        synchronized void awaitUnwrittenBelow(int most, Duration atMost) throws InterruptedException {
            long deadline = System.nanoTime() + atMost.toNanos();
            while (handed - done >= most && System.nanoTime() < deadline) {
                wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            }
        }

        /** Waits until the first {@code count} deliveries handed are written (or given up), at most {@code atMost}. */
        synchronized void awaitRecorded(long count, Duration atMost) throws InterruptedException {
            long deadline = System.nanoTime() + atMost.toNanos();
            while (done < count && System.nanoTime() < deadline) {
                wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            }
        }

        private void run() {
            try {
                while (true) {
                    List<Delivered> group = new ArrayList<>();
                    group.add(waiting.take());
                    long until = System.nanoTime() + GATHER.toNanos();
                    while (open.get() > 0 && System.nanoTime() < until) {
                        Delivered next = waiting.poll(Math.min(until - System.nanoTime(), 1_000_000), java.util.concurrent.TimeUnit.NANOSECONDS);
                        if (next != null) {
                            group.add(next);
                        }
                    }
                    waiting.drainTo(group);
                    record(group);
                    synchronized (this) {
                        done += group.size();
                        notifyAll();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void record(List<Delivered> group) throws InterruptedException {
            long giveUp = System.nanoTime() + settings.mail().claim().toNanos() / 2;
            long backoffMillis = 100;
            while (true) {
                try {
                    recordDelivered(group);
                    return;
                } catch (RuntimeException e) {
                    if (System.nanoTime() >= giveUp) {
                        LOG.errorf("%d deliveries not recorded (%s): they are sent again when their claims lapse", group.size(), Failures.rootMessage(e));
                        return;
                    }
                    LOG.warnf("%d deliveries not recorded yet, retrying in %d ms: %s", group.size(), backoffMillis, Failures.rootMessage(e));
                    Thread.sleep(backoffMillis);
                    backoffMillis = Math.min(backoffMillis * 2, 5_000);
                }
            }
        }
    }

    private static void collect(Future<Delivered> outcome, List<Delivered> delivered) throws InterruptedException {
        try {
            if (outcome.get() != null) {
                delivered.add(outcome.get());
            }
        } catch (ExecutionException e) {
            LOG.warnf("a send failed unexpectedly: %s", e.getCause().toString());
        }
    }

    /** A message the server (or the endpoint) took, and the span of that send: its notification-delivered belongs to the same trace. */
    private record Delivered(Notification message, Span span) {
    }

    /** Returns the message if it went, null if the attempt failed (its failure is recorded already). */
    private Delivered send(Notification message) throws InterruptedException {
        // the send belongs to the trace of the signal that planned it: so does the notification-delivered it publishes
        Span span = traces.start((message.webhookId != null ? "post webhook " : "send mail ") + message.type, SpanKind.CLIENT, message.traceparent);
        span.setAttribute("portcullis.notification.id", message.id.toString());
        span.setAttribute("portcullis.notification.attempt", message.attempts + 1L);
        try (Scope current = span.makeCurrent();
                Traces.LogContext log = Traces.logContext(message.guestId == null ? null : message.guestId.toString(), span)) {
            return sendInSpan(message) ? new Delivered(message, span) : null;
        } catch (RuntimeException e) {
            Traces.failed(span, e);
            throw e;
        } finally {
            span.end();
        }
    }

    private boolean sendInSpan(Notification message) throws InterruptedException {
        try {
            if (message.webhookId != null) {
                webhooks.post(message, QuarkusTransaction.requiringNew().call(() -> Webhook.<Webhook>findById(message.webhookId)));
            } else {
                // the message's own id as Message-ID: if a crash makes us send it again, mail clients see the same message
                Mail mail = Mail.withText(message.recipient, message.subject, message.body).addHeader("Message-ID", messageId(message));
                if (message.html != null) {
                    mail.setHtml(message.html); // multipart/alternative: the text part for plain-text readers, the HTML part for the rest
                }
                pace.acquire();
                mailer.send(mail);
            }
            return true;
        } catch (RuntimeException e) {
            Traces.failed(Span.current(), e);
            recordFailure(message, e);
            return false;
        }
    }

    /**
     * SENT, with a {@code notification-delivered} each, for every message of a group that went: one transaction for the group rather
     * than one per message (each commit waits for the disk), and one statement that marks them all and returns what their events
     * say, without loading the messages (their parts) as entities. The events' keys are the recipients, whose outbox sequence rows
     * this locks: taken in the recipients' order, so two instances' passes never wait for each other in a circle.
     */
    @SuppressWarnings("unchecked")
    private void recordDelivered(List<Delivered> delivered) {
        if (delivered.isEmpty()) {
            return;
        }
        Map<UUID, Delivered> byId = delivered.stream().collect(Collectors.toMap(d -> d.message().id, d -> d, (a, b) -> a));
        QuarkusTransaction.requiringNew().run(() -> {
            java.time.Instant now = clock.instant();
            List<Object[]> rows = em.createNativeQuery("update notification set status = 'SENT', sent_at = ?1, attempts = attempts + 1,"
                            + " last_error = null, claimed_by = null, claimed_until = null where id = any(?2)"
                            + " returning id, recipient, type, subject, cause_id")
                    .setParameter(1, now).setParameter(2, byId.keySet().toArray(UUID[]::new)).getResultList();
            rows.sort(Comparator.comparing((Object[] row) -> (String) row[1]));
            outbox.reserveKeys(rows.stream().map(row -> (String) row[1]).toList()); // one statement for the group's recipients
            for (Object[] row : rows) {
                try (Scope inItsTrace = byId.get((UUID) row[0]).span().makeCurrent()) {
                    outbox.publish(new NotificationDelivered(row[0].toString(), (String) row[1], (String) row[2], (String) row[3], (String) row[4], now));
                }
            }
        });
        sent.increment(delivered.size());
        delivered.forEach(d -> LOG.infof("notification=%s sent type=%s cause=%s guest=%s", d.message().id, d.message().type, d.message().causeId,
                d.message().guestId));
    }

    /** Claims up to a batch of due messages nobody else holds, for this instance, until the claim deadline. */
    @SuppressWarnings("unchecked")
    List<Notification> claimDue() {
        return leases.claimAndRead(em, "status = 'PENDING' and next_attempt_at <= now()", "next_attempt_at", settings.mail().claim(), batch,
                ids -> {
                    List<Notification> claimed = Entities.byIds(em, Notification.class, ids).stream()
                            .sorted(Comparator.comparing((Notification n) -> n.nextAttemptAt)).toList();
                    messages.finish(claimed); // a message that gathered lines is rendered from them now, once
                    return claimed;
                });
    }


    private void recordFailure(Notification message, RuntimeException e) {
        SMTPException smtp = Failures.causeOf(e, SMTPException.class);
        WebhookPoster.Refused refused = Failures.causeOf(e, WebhookPoster.Refused.class);
        boolean permanent = refusedForGood(smtp) || (refused != null && refused.permanent);
        String error = refused != null ? refused.getMessage() : smtp == null ? Failures.rootMessage(e)
                : smtp.getReplyMessage().startsWith(String.valueOf(smtp.getReplyCode())) ? smtp.getReplyMessage()
                : smtp.getReplyCode() + " " + smtp.getReplyMessage();
        boolean gaveUp = QuarkusTransaction.requiringNew().call(() -> {
            Notification failedMessage = Notification.findById(message.id);
            boolean failedForGood = failedMessage.failedAttempt(error, permanent, clock.instant());
            if (failedForGood) {
                outbox.publish(new NotificationFailed(failedMessage.id.toString(), failedMessage.recipient, failedMessage.type.name(),
                        failedMessage.subject, failedMessage.causeId, failedMessage.attempts, failedMessage.lastError, clock.instant()));
            }
            return failedForGood;
        });
        failedAttempts.increment();
        if (gaveUp) {
            failed.increment();
            LOG.warnf("notification=%s FAILED (%s) after %d attempt(s): %s", message.id, permanent ? "refused for good" : "out of attempts",
                    message.attempts + 1, error);
        } else {
            LOG.warnf("notification=%s not sent, will retry: %s", message.id, error);
        }
    }

    /**
     * Whether the SMTP server refused the message for good: a 5xx reply, but not 500-504. Those say the
     * server did not follow the conversation (a command it did not understand, or out of sequence), not
     * that the message cannot be delivered; our commands are well-formed, so it is a garbled exchange
     * (seen in CI: a reply split across reads taken for a 500) and the next attempt, on another
     * conversation, delivers it. Anything else is transient too: no reply at all, a 4xx, a timeout.
     */
    static boolean refusedForGood(SMTPException smtp) {
        return smtp != null && smtp.isPermanent() && (smtp.getReplyCode() < 500 || smtp.getReplyCode() > 504);
    }

    /** The Message-ID of a notification's mail: the same on every attempt. */
    public static String messageId(Notification message) {
        return "<" + message.id + "@portcullis.notification>";
    }

    private double pendingOrNaN() {
        try {
            return QuarkusTransaction.requiringNew().call(() -> (double) Notification.count("status = ?1 and nextAttemptAt <= ?2",
                    Notification.Status.PENDING, clock.instant())); // a reminder not due yet is not waiting
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

}

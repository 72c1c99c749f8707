package dev.portcullis.notification.service;

import dev.portcullis.backbone.outbox.Outbox;
import dev.portcullis.backbone.work.BackgroundWorker;
import dev.portcullis.events.NotificationDelivered;
import dev.portcullis.notification.domain.Notification;
import io.quarkus.mailer.Mail;
import io.quarkus.mailer.Mailer;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Sends PENDING messages over SMTP outside any Kafka consumer (a blocking send inside one stalls
 * it), marks each SENT with its {@code notification-delivered} event, and backs off while the
 * SMTP server is down. Delivery is at least once: a crash between the SMTP answer and the commit
 * would send that one message again.
 */
@ApplicationScoped
public class MailSender {

    private static final Logger LOG = Logger.getLogger(MailSender.class);
    private static final int BATCH = 50;

    @Inject
    Mailer mailer;

    @Inject
    Outbox outbox;

    @Inject
    Clock clock;

    private BackgroundWorker worker;

    void start(@Observes StartupEvent event) {
        worker = new BackgroundWorker("mail-sender", this::sendPending, Duration.ofSeconds(2), Duration.ofSeconds(30));
        worker.start();
    }

    void stop(@Observes ShutdownEvent event) {
        worker.stop();
    }

    public void wake() {
        if (worker != null) {
            worker.wake();
        }
    }

    boolean sendPending() {
        // read once; each outcome is then written in a transaction of its own, so one bad address costs only itself
        List<Notification> pending = QuarkusTransaction.requiringNew().call(() -> Notification.<Notification>find(
                "status = ?1 order by createdAt", Notification.Status.PENDING).page(0, BATCH).list());
        for (Notification message : pending) {
            try {
                mailer.send(Mail.withText(message.recipient, message.subject, message.body));
            } catch (RuntimeException e) {
                QuarkusTransaction.requiringNew().run(() -> Notification.<Notification>findById(message.id).failedAttempt(e.toString()));
                LOG.warnf("notification=%s to=%s not sent: %s", message.id, message.recipient, e.toString());
                throw e;
            }
            QuarkusTransaction.requiringNew().run(() -> {
                Notification sent = Notification.findById(message.id);
                sent.sent(clock.instant());
                outbox.publish(new NotificationDelivered(sent.id.toString(), sent.recipient, sent.type.name(), sent.subject, sent.causeId, sent.sentAt));
            });
            LOG.infof("notification=%s sent to=%s type=%s cause=%s", message.id, message.recipient, message.type, message.causeId);
        }
        return pending.size() == BATCH;
    }
}

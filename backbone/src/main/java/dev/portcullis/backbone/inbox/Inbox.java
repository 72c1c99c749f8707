package dev.portcullis.backbone.inbox;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Applies a consumed event at most once: its id is recorded in the same transaction as its effect,
 * so a redelivery finds the id and changes nothing. An exception from the handler rolls both back
 * and propagates, so that SmallRye sends the message to the channel's dead-letter topic.
 */
@ApplicationScoped
public class Inbox {

    private static final Logger LOG = Logger.getLogger(Inbox.class);

    @Inject
    EntityManager em;

    @ConfigProperty(name = "quarkus.application.name")
    String consumer;

    /** Returns false when the event had been applied before. */
    public boolean apply(ConsumerRecord<String, String> record, Consumer<IncomingEvent> handler) {
        IncomingEvent event = IncomingEvent.of(record);
        return QuarkusTransaction.requiringNew().call(() -> {
            int claimed = em.createNativeQuery(
                    "insert into inbox_event (consumer, event_id, ce_type) values (?1, ?2, ?3) on conflict do nothing")
                    .setParameter(1, consumer)
                    .setParameter(2, event.id())
                    .setParameter(3, event.ceType())
                    .executeUpdate();
            if (claimed == 0) {
                LOG.debugf("inbox duplicate event=%s type=%s skipped", event.id(), event.ceType());
                return false;
            }
            handler.accept(event);
            return true;
        });
    }
}

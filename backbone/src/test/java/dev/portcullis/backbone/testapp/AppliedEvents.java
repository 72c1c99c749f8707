package dev.portcullis.backbone.testapp;

import dev.portcullis.backbone.inbox.Inbox;
import dev.portcullis.backbone.work.PerTransaction;
import dev.portcullis.events.Topic;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * backbone's test application: a consumer of {@code inventory.partners} through the inbox, which records each event it applied, and,
 * before each of its transactions commits, how many events of each key that transaction applied.
 */
@ApplicationScoped
public class AppliedEvents {

    @Inject
    Inbox inbox;

    @Inject
    EntityManager em;

    @Inject
    TransactionSynchronizationRegistry transactions;

    @Incoming(Topic.Channels.INVENTORY_PARTNERS)
    @Blocking
    public void onPartner(ConsumerRecords<String, String> records) {
        inbox.applyAll(records, event -> {
            em.createNativeQuery("insert into test_applied_event (ce_id, record_key) values (?1, ?2)")
                    .setParameter(1, event.id()).setParameter(2, event.key()).executeUpdate();
            appliedInThisTransaction().merge(event.key(), 1, Integer::sum);
        }, () -> appliedInThisTransaction().forEach((key, events) -> em.createNativeQuery(
                "insert into test_applied_batch (record_key, events) values (?1, ?2)").setParameter(1, key).setParameter(2, events).executeUpdate()));
    }

    private Map<String, Integer> appliedInThisTransaction() {
        return PerTransaction.value(transactions, AppliedEvents.class, TreeMap<String, Integer>::new);
    }
}

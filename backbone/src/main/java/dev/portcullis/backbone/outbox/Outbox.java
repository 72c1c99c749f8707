package dev.portcullis.backbone.outbox;

import dev.portcullis.backbone.work.AfterCommit;
import dev.portcullis.events.EventJson;
import dev.portcullis.events.EventPayload;
import dev.portcullis.events.EventSchemas;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.util.List;
import java.util.UUID;

/**
 * The only way a service emits an event: the row joins the caller's transaction, so the event
 * exists if and only if the change it describes was committed. The relay wakes on commit.
 */
@ApplicationScoped
public class Outbox {

    @Inject
    EntityManager em;

    @Inject
    Clock clock;

    @Inject
    AfterCommit afterCommit;

    @Inject
    OutboxRelay relay;

    /**
     * Writes the event; returns its CloudEvents id. An event that breaks its own schema would be
     * dead-lettered by every consumer, so it is never written: the change fails with it.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public UUID publish(EventPayload payload) {
        String json = EventJson.write(payload);
        List<String> violations = EventSchemas.violations(payload.eventType(), json);
        if (!violations.isEmpty()) {
            throw new IllegalStateException("refusing to publish " + payload.eventType().eventName() + " that breaks its schema: " + violations);
        }
        OutboxEvent row = new OutboxEvent();
        row.eventId = UUID.randomUUID();
        row.topic = payload.eventType().topic().topicName();
        row.recordKey = payload.key();
        row.ceType = payload.eventType().ceType();
        row.occurredAt = clock.instant();
        row.payload = json;
        em.persist(row);
        afterCommit.runOnce(OutboxRelay.class, relay::wake);
        return row.eventId;
    }
}

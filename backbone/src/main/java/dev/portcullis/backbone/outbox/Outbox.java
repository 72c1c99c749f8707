package dev.portcullis.backbone.outbox;

import dev.portcullis.backbone.work.AfterCommit;
import dev.portcullis.events.EventJson;
import dev.portcullis.events.EventPayload;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Clock;
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

    /** Writes the event; returns its CloudEvents id. */
    @Transactional(Transactional.TxType.MANDATORY)
    public UUID publish(EventPayload payload) {
        OutboxEvent row = new OutboxEvent();
        row.eventId = UUID.randomUUID();
        row.topic = payload.eventType().topic().topicName();
        row.recordKey = payload.key();
        row.ceType = payload.eventType().ceType();
        row.occurredAt = clock.instant();
        row.payload = EventJson.write(payload);
        em.persist(row);
        afterCommit.runOnce(OutboxRelay.class, relay::wake);
        return row.eventId;
    }
}

package dev.portcullis.backbone.outbox;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.backbone.Ids;
import dev.portcullis.backbone.trace.Traces;
import dev.portcullis.backbone.work.AfterCommit;
import dev.portcullis.backbone.work.AppendAtCommit;
import dev.portcullis.backbone.work.PerTransaction;
import dev.portcullis.events.EventJson;
import dev.portcullis.events.EventPayload;
import dev.portcullis.events.EventSchemas;
import dev.portcullis.events.Topic;
import dev.portcullis.events.ocsf.OcsfMapping;
import dev.portcullis.events.ocsf.OcsfRecord;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.FlushModeType;
import jakarta.transaction.Transactional;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hibernate.query.NativeQuery;

/**
 * The only way a service emits an event: the row joins the caller's transaction, so the event
 * exists if and only if the change it describes was committed.
 * <p>
 * The first event of a key in a transaction takes that key's next sequence number (table
 * {@code outbox_key}) and so locks the key until commit: the key's next writer, in this instance or
 * another, waits, and {@code (key_seq, id)} orders the key's events as their transactions
 * committed. A {@code NOTIFY} at commit wakes the relay, whichever instance holds it.
 */
@ApplicationScoped
public class Outbox {

    static final String CHANNEL = "portcullis_outbox";
    /**
     * This instance, as its commits' notifications name it: its own relay is woken in process at commit, so its lease's listener
     * wakes it only for another instance's (one empty pass, and a query, fewer per commit).
     */
    static final String INSTANCE = UUID.randomUUID().toString();

    @Inject
    EntityManager em;

    @Inject
    Clock clock;

    @Inject
    TransactionSynchronizationRegistry registry;

    @Inject
    AfterCommit afterCommit;

    @Inject
    OutboxRelay relay;

    @Inject
    AppendAtCommit appendAtCommit;

    /** The ids come from the sequence as the rows are written: increasing in the order the transaction wrote its events. */
    private static final AppendAtCommit.Insert ROW = new AppendAtCommit.Insert("insert into outbox_event"
            + " (id, event_id, topic, record_key, key_seq, ce_type, occurred_at, payload, traceparent)"
            + " values (nextval('outbox_event_seq'), cast(? as uuid), ?, ?, ?, ?, ?, ?, ?)",
            Types.VARCHAR, Types.VARCHAR, Types.VARCHAR, Types.BIGINT, Types.VARCHAR, Types.TIMESTAMP_WITH_TIMEZONE, Types.VARCHAR, Types.VARCHAR);

    /**
     * Writes the event; returns its CloudEvents id. An event that breaks its own schema would be
     * dead-lettered by every consumer, so it is never written: the change fails with it.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public UUID publish(EventPayload payload) {
        JsonNode tree = EventJson.tree(payload); // validated as a tree, then written: the text is never parsed back
        List<String> violations = EventSchemas.violations(payload.eventType(), tree);
        if (!violations.isEmpty()) {
            throw new IllegalStateException("refusing to publish " + payload.eventType().eventName() + " that breaks its schema: " + violations);
        }
        UUID eventId = Ids.next();
        Instant occurredAt = clock.instant();
        append(eventId, payload.eventType().topic().topicName(), payload.key(), payload.eventType().ceType(), occurredAt, EventJson.write(tree));
        OcsfMapping.of(payload, eventId, occurredAt).ifPresent(this::publish);
        return eventId;
    }

    /**
     * Writes a record of the SOC's feed, {@code soc.ocsf}: for each event a SOC cares about ({@link OcsfMapping}) beside its
     * CloudEvent, and for what no event tells (a signal received, a SET made). Same transaction, same key order as the events.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void publish(OcsfRecord record) {
        List<String> violations = EventSchemas.ocsfViolations(record.event());
        if (!violations.isEmpty()) {
            throw new IllegalStateException("refusing to publish an OCSF record of class " + record.classUid() + " that breaks OCSF: " + violations);
        }
        append(Ids.next(), Topic.SOC_OCSF.topicName(), record.key(), OcsfRecord.CE_TYPE, Instant.ofEpochMilli(record.event().path("time").asLong()),
                EventJson.write(record.event()));
    }

    /** The row, written as the transaction commits ({@link AppendAtCommit}); its key's number is taken (and the key locked) now. */
    private void append(UUID eventId, String topic, String key, String ceType, Instant occurredAt, String payload) {
        appendAtCommit.append(ROW, eventId, topic, key, keySequence(key), ceType, occurredAt, payload, Traces.current());
    }

    /**
     * Erases {@code address} from this service's outbox, as a removed guest's personal data: the published events that held it (in
     * their payload or as their key) are forgotten (they are on Kafka, under the topic's retention); those not published yet still
     * go, with {@code placeholder} where the address was, in their payload and as their key (the key's sequence moves with them).
     * Returns the events forgotten or rewritten.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public int erase(String address, String placeholder) {
        appendAtCommit.writeNow(); // this transaction's own events are among those to rewrite
        String lower = address.toLowerCase(java.util.Locale.ROOT);
        int forgotten = forget(lower);
        int rewritten = em.createNativeQuery("update outbox_event set payload = regexp_replace(payload, ?2, ?3, 'gi'),"
                + " record_key = case when lower(record_key) = ?1 then ?3 else record_key end"
                + " where published_at is null and (strpos(lower(payload), ?1) > 0 or lower(record_key) = ?1)")
                .setParameter(1, lower).setParameter(2, pattern(address)).setParameter(3, placeholder).executeUpdate();
        // the address's key sequence: carried on by the placeholder where rows of it still wait, gone otherwise
        em.createNativeQuery("update outbox_key set record_key = ?2 where lower(record_key) = ?1 and exists (select 1 from outbox_event e"
                + " where e.record_key = ?2 and e.published_at is null) and not exists (select 1 from outbox_key p where p.record_key = ?2)")
                .setParameter(1, lower).setParameter(2, placeholder).executeUpdate();
        em.createNativeQuery("delete from outbox_key where lower(record_key) = ?1").setParameter(1, lower).executeUpdate();
        return forgotten + rewritten;
    }

    /**
     * Forgets the published events that hold {@code address}, but leaves those not published yet as they are: for the service whose
     * own event tells the others which address to erase (inventory's {@code guest-removed}, written in the same transaction).
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public int forgetPublished(String address) {
        appendAtCommit.writeNow(); // this transaction's own events count among those not published yet
        String lower = address.toLowerCase(java.util.Locale.ROOT);
        int forgotten = forget(lower);
        em.createNativeQuery("delete from outbox_key k where lower(k.record_key) = ?1 and not exists (select 1 from outbox_event e"
                + " where e.record_key = k.record_key and e.published_at is null)").setParameter(1, lower).executeUpdate();
        return forgotten;
    }

    private int forget(String lower) {
        return em.createNativeQuery("delete from outbox_event where published_at is not null and (strpos(lower(payload), ?1) > 0"
                + " or lower(record_key) = ?1)").setParameter(1, lower).executeUpdate();
    }

    /** {@code text} as a POSIX regular expression that matches it literally (PostgreSQL's {@code regexp_replace}). */
    public static String pattern(String text) {
        return text.toLowerCase(java.util.Locale.ROOT).replaceAll("[.^$*+?()\\[\\]{}|\\\\]", "\\\\$0");
    }

    /**
     * Takes this transaction's numbers for {@code keys} (and locks them, in their sorted order) in one statement: for a transaction
     * about to publish events of many keys (a pass of sign-in events), which would otherwise make a round trip per key.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    @SuppressWarnings("unchecked")
    public void reserveKeys(Collection<String> keys) {
        Map<String, Long> taken = taken();
        String[] fresh = keys.stream().filter(k -> !taken.containsKey(k)).distinct().sorted().toArray(String[]::new);
        if (fresh.length == 0) {
            return;
        }
        List<Object[]> rows = em.createNativeQuery("insert into outbox_key (record_key, last_seq) select k, 1 from unnest(cast(?1 as text[])) k order by k"
                        + " on conflict (record_key) do update set last_seq = outbox_key.last_seq + 1 returning record_key, last_seq")
                .setParameter(1, fresh).setFlushMode(FlushModeType.COMMIT).unwrap(NativeQuery.class).addSynchronizedQuerySpace("outbox_key")
                .getResultList();
        for (Object[] row : rows) {
            taken.put((String) row[0], ((Number) row[1]).longValue());
        }
    }

    /** The key sequences this transaction has taken; the first call in a transaction also asks for the relay's wake-up at commit. */
    private Map<String, Long> taken() {
        return PerTransaction.value(registry, Outbox.class, () -> {
            notifyRelayAtCommit();
            return new HashMap<String, Long>();
        });
    }

    /** This transaction's number for {@code key}: taken (and the key locked) on the key's first event in the transaction. */
    private long keySequence(String key) {
        return taken().computeIfAbsent(key, k -> ((Number) em.createNativeQuery(
                        "insert into outbox_key (record_key, last_seq) values (?1, 1)"
                                + " on conflict (record_key) do update set last_seq = outbox_key.last_seq + 1 returning last_seq")
                .setParameter(1, k)
                // touches no entity table: no flush first. Not even the check for one, which walks every entity of the session:
                // a transaction writing thousands of events (a kill switch, an import) would pay for it once per event
                .setFlushMode(FlushModeType.COMMIT)
                .unwrap(NativeQuery.class).addSynchronizedQuerySpace("outbox_key")
                .getSingleResult()).longValue());
    }

    private void notifyRelayAtCommit() {
        // delivered by PostgreSQL at commit to the relay of whichever instance listens; never if the transaction rolls back
        // selected as a constant: pg_notify's own column is of type void, which Hibernate takes for a type to register, and
        // registering one after boot throws (and catches) an exception at every transaction that publishes
        em.createNativeQuery("select 1 from pg_notify('" + CHANNEL + "', '" + INSTANCE + "')").setFlushMode(FlushModeType.COMMIT).unwrap(NativeQuery.class)
                .addSynchronizedQuerySpace("outbox_key").getSingleResult();
        // this instance's relay, if it holds the lease, need not wait for the notification
        afterCommit.runOnce(OutboxRelay.class, relay::wake);
    }
}

package dev.portcullis.inventory.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.portcullis.backbone.work.AfterCommit;
import dev.portcullis.backbone.work.AppendAtCommit;
import dev.portcullis.backbone.work.SinglePass;
import dev.portcullis.events.EventJson;
import dev.portcullis.backbone.work.BackgroundWorker;
import dev.portcullis.inventory.domain.AuditRecord;
import dev.portcullis.inventory.domain.Guest;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.sql.PreparedStatement;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hibernate.Session;
import org.hibernate.jpa.HibernateHints;
import org.jboss.logging.Logger;
import dev.portcullis.backbone.trace.CorrelationId;

/**
 * The audit trail: every change records who, when, what and why in the change's own transaction,
 * and a chainer links the committed records into a hash chain afterwards. Chaining after commit keeps
 * writers from queueing on one chain head (a kill switch over 10,000 guests and a sign-in batch go
 * on in parallel); the chain's order is the order records were chained in, and a record committed
 * late simply joins it later. One chainer at a time across instances (a transaction-scoped advisory
 * lock per pass), woken at commit and polling every second.
 */
@ApplicationScoped
public class AuditTrail {

    private static final Logger LOG = Logger.getLogger(AuditTrail.class);

    /** The single pass that chains audit records. */
    static final String PASS = "inventory:audit-chain";
    private static final int BATCH = 500;

    @Inject
    EntityManager em;

    @Inject
    SinglePass singlePass;

    @Inject
    PersonalData personalData;

    @Inject
    AfterCommit afterCommit;

    @Inject
    AppendAtCommit appendAtCommit;

    /** A record, written as its transaction commits: seq from the column's sequence, in the order the transaction recorded. */
    private static final AppendAtCommit.Insert RECORD = new AppendAtCommit.Insert("insert into audit_record (recorded_at, actor, action,"
            + " guest_id, resource_id, target_id, reason, cause, correlation_id, details, personal)"
            + " values (?, ?, ?, cast(? as uuid), cast(? as uuid), cast(? as uuid), ?, ?, ?, ?, ?)",
            Types.TIMESTAMP_WITH_TIMEZONE, Types.VARCHAR, Types.VARCHAR, Types.VARCHAR, Types.VARCHAR, Types.VARCHAR, Types.VARCHAR,
            Types.VARCHAR, Types.VARCHAR, Types.VARCHAR, Types.BINARY);

    @Inject
    Clock clock;

    private final BackgroundWorker chainer = new BackgroundWorker("audit-chainer", this::chainPass, Duration.ofSeconds(1), Duration.ofSeconds(30));

    void start(@Observes StartupEvent event) {
        chainer.start();
    }

    void stop(@Observes ShutdownEvent event) {
        chainer.stop();
    }

    /** What changed, about whom, built up by the caller: {@code AuditTrail.change("GUEST_BLOCKED", actor).guest(g).reason(r)}. */
    public static final class Change {
        final String action;
        final String actor;
        UUID guestId;
        PersonalData.Identity identity;
        UUID resourceId;
        UUID targetId;
        String reason;
        String cause;
        final Map<String, Object> details = new LinkedHashMap<>();

        private Change(String action, String actor) {
            this.action = action;
            this.actor = actor;
        }

        /** About this guest, with their personal data as it is now (sealed with the guest's key). */
        public Change guest(Guest guest) {
            this.guestId = guest.id;
            this.identity = PersonalData.Identity.of(guest);
            return this;
        }

        public Change guestId(UUID guestId) {
            this.guestId = guestId;
            return this;
        }

        public Change resource(UUID resourceId) {
            this.resourceId = resourceId;
            return this;
        }

        public Change target(UUID targetId) {
            this.targetId = targetId;
            return this;
        }

        public Change reason(String reason) {
            this.reason = reason;
            return this;
        }

        public Change cause(String cause) {
            this.cause = cause;
            return this;
        }

        /** A detail of the change; never a guest's personal data. Null values are left out. */
        public Change detail(String name, Object value) {
            if (value != null) {
                details.put(name, value);
            }
            return this;
        }
    }

    public static Change change(String action, String actor) {
        return new Change(action, actor);
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void record(Change change) {
        appendAtCommit.append(RECORD, clock.instant().truncatedTo(ChronoUnit.MICROS), change.actor == null ? "unknown" : change.actor,
                change.action, change.guestId, change.resourceId, change.targetId, clip(change.reason), clip(change.cause),
                CorrelationId.current(), json(change.details),
                change.identity == null ? null : personalData.seal(change.guestId, change.identity));
        afterCommit.runOnce(AuditTrail.class, chainer::wake);
    }

    /** Links up to BATCH committed, unchained records to the chain; true when more are waiting. */
    boolean chainPass() {
        return QuarkusTransaction.requiringNew().call(() -> {
            if (!singlePass.tryTake(PASS)) {
                return false;
            }
            // read-only: the links are written below in one JDBC batch, not found by a flush that compares every record's fields
            List<AuditRecord> unchained = em.createQuery("select a from AuditRecord a where a.chainSeq is null order by a.seq", AuditRecord.class)
                    .setHint(HibernateHints.HINT_READ_ONLY, true).setMaxResults(BATCH).getResultList();
            if (unchained.isEmpty()) {
                return false;
            }
            List<AuditRecord> head = em.createQuery("select a from AuditRecord a where a.chainSeq is not null order by a.chainSeq desc", AuditRecord.class)
                    .setMaxResults(1).getResultList();
            long position = head.isEmpty() ? 0 : head.get(0).chainSeq;
            String previous = head.isEmpty() ? null : head.get(0).hash;
            for (AuditRecord record : unchained) {
                position++;
                record.chainSeq = position;
                record.prevHash = previous;
                record.hash = record.computeHash(position, previous);
                previous = record.hash;
            }
            // one statement for the batch: a statement per record was 60,000 of them in a partner's block (6 s of PostgreSQL)
            em.unwrap(Session.class).doWork(connection -> {
                try (PreparedStatement link = connection.prepareStatement("""
                        update audit_record a set chain_seq = v.chain_seq, prev_hash = v.prev_hash, hash = v.hash
                        from unnest(?::bigint[], ?::text[], ?::text[], ?::bigint[]) as v(chain_seq, prev_hash, hash, seq) where a.seq = v.seq""")) {
                    link.setArray(1, connection.createArrayOf("bigint", unchained.stream().map(r -> r.chainSeq).toArray()));
                    link.setArray(2, connection.createArrayOf("text", unchained.stream().map(r -> r.prevHash).toArray()));
                    link.setArray(3, connection.createArrayOf("text", unchained.stream().map(r -> r.hash).toArray()));
                    link.setArray(4, connection.createArrayOf("bigint", unchained.stream().map(r -> r.seq).toArray()));
                    if (link.executeUpdate() != unchained.size()) {
                        throw new IllegalStateException("audit chain: not every record of the batch was linked");
                    }
                }
            });
            LOG.debugf("audit chained %d record(s) up to %d", unchained.size(), position);
            return unchained.size() == BATCH;
        });
    }

    /** The chain checked from its start: {@code firstBrokenAt} is the chain position of the first record that does not hold. */
    public record Verification(boolean intact, long checked, Long firstBrokenAt, Long firstBrokenSeq, String problem, long pending) {
    }

    public Verification verify() {
        return QuarkusTransaction.requiringNew().call(() -> {
            long expected = 1;
            String previous = null;
            long checked = 0;
            while (true) {
                List<AuditRecord> page = em.createQuery("select a from AuditRecord a where a.chainSeq >= :from order by a.chainSeq", AuditRecord.class)
                        .setParameter("from", expected).setMaxResults(1000).getResultList();
                if (page.isEmpty()) {
                    break;
                }
                for (AuditRecord record : page) {
                    String problem = record.chainSeq != expected ? "record " + expected + " of the chain is missing"
                            : !java.util.Objects.equals(record.prevHash, previous) ? "its previous hash is not the hash of the record before it"
                            : !record.computeHash(expected, previous).equals(record.hash) ? "its content does not match its hash" : null;
                    if (problem != null) {
                        return new Verification(false, checked, expected, record.seq, problem, pending());
                    }
                    previous = record.hash;
                    expected++;
                    checked++;
                }
                em.clear();
            }
            return new Verification(true, checked, null, null, null, pending());
        });
    }

    private long pending() {
        return em.createQuery("select count(a) from AuditRecord a where a.chainSeq is null", Long.class).getSingleResult();
    }

    private static String json(Map<String, Object> details) {
        if (details == null || details.isEmpty()) {
            return null;
        }
        try {
            return EventJson.mapper().writeValueAsString(details);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String clip(String text) {
        return text == null || text.length() <= 1000 ? text : text.substring(0, 1000);
    }
}

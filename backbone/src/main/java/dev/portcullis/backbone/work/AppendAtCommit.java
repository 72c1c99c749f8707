package dev.portcullis.backbone.work;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceException;
import jakarta.transaction.Transactional;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hibernate.engine.spi.SharedSessionContractImplementor;
import org.hibernate.engine.spi.TransactionCompletionCallbacks;

/**
 * Rows a transaction only appends (outbox events, audit records), written as it commits: after Hibernate's flush, one JDBC
 * batch per kind of row, in the order they were appended, on the transaction's own connection. As entities each one was
 * persisted, kept in the session and walked by every later flush of the transaction; a partner signal appends about 65, a
 * kill switch thousands. A row that fails to insert fails the commit, and the transaction rolls back with everything in it.
 * <p>
 * Nothing reads such a row before commit, except a statement of the same transaction that changes them: it calls
 * {@link #writeNow()} first.
 */
@ApplicationScoped
public class AppendAtCommit {

    /**
     * An insert of one row: its SQL with one {@code ?} per value, and each value's {@link java.sql.Types}, which a null is sent
     * as. A {@link UUID} is sent as text (cast it in the SQL), an {@link Instant} as a timestamp with time zone. Declare each as a
     * constant: a transaction's rows are grouped by the instance (a record compares its array by identity).
     */
    public record Insert(String sql, int... types) {
    }

    @Inject
    EntityManager em;

    @Inject
    TransactionSynchronizationRegistry registry;

    /** Appends a row of {@code insert}, written when the current transaction commits (never if it rolls back). */
    @Transactional(Transactional.TxType.MANDATORY)
    public void append(Insert insert, Object... values) {
        if (values.length != insert.types().length) {
            throw new IllegalArgumentException(insert.sql() + " takes " + insert.types().length + " values, not " + values.length);
        }
        pending().rows.computeIfAbsent(insert, i -> new ArrayList<>()).add(values);
    }

    /** Writes the rows appended so far in the current transaction now, for a statement of it that changes them. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void writeNow() {
        Pending pending = (Pending) registry.getResource(AppendAtCommit.class);
        if (pending != null) {
            pending.write(em.unwrap(SharedSessionContractImplementor.class));
        }
    }

    private Pending pending() {
        return PerTransaction.value(registry, AppendAtCommit.class, () -> {
            Pending pending = new Pending();
            // Hibernate runs these after its own flush at commit, on the same connection, before the commit itself
            em.unwrap(SharedSessionContractImplementor.class).getTransactionCompletionCallbacks()
                    .registerCallback((TransactionCompletionCallbacks.BeforeCompletionCallback) pending::write);
            return pending;
        });
    }

    private static final class Pending {
        final Map<Insert, List<Object[]>> rows = new LinkedHashMap<>();

        void write(SharedSessionContractImplementor session) {
            if (rows.isEmpty()) {
                return;
            }
            session.doWork(connection -> {
                for (Map.Entry<Insert, List<Object[]>> kind : rows.entrySet()) {
                    int[] types = kind.getKey().types();
                    try (PreparedStatement s = connection.prepareStatement(kind.getKey().sql())) {
                        for (Object[] row : kind.getValue()) {
                            for (int i = 0; i < row.length; i++) {
                                bind(s, i + 1, row[i], types[i]);
                            }
                            s.addBatch();
                        }
                        s.executeBatch();
                    } catch (SQLException e) {
                        throw new PersistenceException("could not write " + kind.getValue().size() + " rows at commit: "
                                + kind.getKey().sql() + ": " + (e.getNextException() == null ? e : e.getNextException()).getMessage(), e);
                    }
                }
            });
            rows.clear();
        }

        private static void bind(PreparedStatement s, int index, Object value, int type) throws SQLException {
            if (value == null) {
                s.setNull(index, type);
            } else if (value instanceof UUID id) {
                s.setString(index, id.toString());
            } else if (value instanceof Instant at) {
                s.setObject(index, at.atOffset(ZoneOffset.UTC), type);
            } else {
                s.setObject(index, value, type);
            }
        }
    }
}

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
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hibernate.engine.spi.SharedSessionContractImplementor;
import org.hibernate.engine.spi.TransactionCompletionCallbacks;

/**
 * Rows a transaction only appends (outbox events, audit records, read-model grants), written as it commits: after Hibernate's
 * flush, on the transaction's own connection, each kind of row as one statement over arrays ({@code insert … select … from
 * unnest(…)}), in the order they were appended. As entities each one was persisted, kept in the session and walked by every
 * later flush of the transaction; as a JDBC batch of one-row inserts, PostgreSQL still bound and executed each row apart: a
 * partner signal's 45 outbox rows cost its backend 1.5 ms of CPU that way and 1.0-1.2 ms as one statement, 500 rows 15-16 ms
 * and 11 ms (docs/benchmarks.md); one to three rows cost the same either way. The statement's text does not depend on how many
 * rows it carries, so the driver prepares it on the server once per connection. A row that fails to insert fails the commit,
 * and the transaction rolls back with everything in it.
 * <p>
 * Nothing reads such a row before commit, except a statement of the same transaction that changes them: it calls
 * {@link #writeNow()} first.
 */
@ApplicationScoped
public class AppendAtCommit {

    /** Rows per statement at most: a kill switch appends thousands in one transaction, each statement's arrays stay a few MB. */
    static final int MOST_ROWS = 1_000;

    /**
     * An insert of one row: its SQL, {@code insert into t (…) values (…)} with one {@code ?} per value and, for an upsert, an
     * {@code on conflict} clause after it; and each value's {@link java.sql.Types}. A {@link UUID} is sent as text (cast it in the
     * SQL), an {@link Instant} as a timestamp with time zone, a {@code byte[]} as {@code bytea}. Declare each as a constant: a
     * transaction's rows are grouped by the instance. The SQL is rewritten once, here, to take every row's values as arrays: an
     * insert the rewriting cannot read fails as its class loads, not at a commit.
     */
    public static final class Insert {
        private final String sql;
        private final int[] types;
        private final int key;
        private final String overArrays;

        /** A plain insert: the rows of a transaction go in one statement. */
        public Insert(String sql, int... types) {
            this(sql, -1, types);
        }

        private Insert(String sql, int key, int... types) {
            this.sql = sql;
            this.types = types.clone();
            this.key = key;
            this.overArrays = overArrays(sql, types);
        }

        /**
         * An insert {@code … on conflict … do update}, whose conflict target is value {@code key} (from 0): PostgreSQL refuses a
         * statement that updates a row twice, so two rows of the same key in a transaction (a grant's two events in one poll) go
         * in consecutive statements, in their order.
         */
        public static Insert upsert(int key, String sql, int... types) {
            if (key < 0 || key >= types.length) {
                throw new IllegalArgumentException("the conflict key is value " + key + " of " + types.length + ": " + sql);
            }
            return new Insert(sql, key, types);
        }

        @Override
        public String toString() {
            return sql;
        }
    }

    @Inject
    EntityManager em;

    @Inject
    TransactionSynchronizationRegistry registry;

    /** Appends a row of {@code insert}, written when the current transaction commits (never if it rolls back). */
    @Transactional(Transactional.TxType.MANDATORY)
    public void append(Insert insert, Object... values) {
        if (values.length != insert.types.length) {
            throw new IllegalArgumentException(insert.sql + " takes " + insert.types.length + " values, not " + values.length);
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
                    Insert insert = kind.getKey();
                    try (PreparedStatement s = connection.prepareStatement(insert.overArrays)) {
                        for (List<Object[]> statement : statements(insert, kind.getValue())) {
                            for (int i = 0; i < insert.types.length; i++) {
                                String[] column = new String[statement.size()];
                                for (int r = 0; r < column.length; r++) {
                                    column[r] = text(statement.get(r)[i]);
                                }
                                s.setArray(i + 1, connection.createArrayOf("text", column));
                            }
                            s.executeUpdate();
                        }
                    } catch (SQLException e) {
                        throw new PersistenceException("could not write " + kind.getValue().size() + " rows at commit: " + insert.sql + ": "
                                + (e.getNextException() == null ? e : e.getNextException()).getMessage(), e);
                    }
                }
            });
            rows.clear();
        }

        /** The rows in statements of at most MOST_ROWS, in order; an upsert's next statement starts at a key its current one holds. */
        static List<List<Object[]>> statements(Insert insert, List<Object[]> rows) {
            List<List<Object[]>> statements = new ArrayList<>();
            List<Object[]> current = new ArrayList<>();
            Set<Object> keys = new HashSet<>();
            for (Object[] row : rows) {
                if (current.size() == MOST_ROWS || (insert.key >= 0 && !keys.add(row[insert.key]))) {
                    statements.add(current);
                    current = new ArrayList<>();
                    keys.clear();
                    if (insert.key >= 0) {
                        keys.add(row[insert.key]);
                    }
                }
                current.add(row);
            }
            statements.add(current);
            return statements;
        }

        /** A value as PostgreSQL reads it from text, which the statement casts to the column's type. */
        private static String text(Object value) {
            if (value == null) {
                return null;
            } else if (value instanceof Instant at) {
                return at.toString(); // ISO 8601 in UTC, to the nanosecond PostgreSQL rounds to its microsecond
            } else if (value instanceof byte[] bytes) {
                return "\\x" + HexFormat.of().formatHex(bytes);
            } else {
                return value.toString();
            }
        }
    }

    private static final Pattern VALUES = Pattern.compile("(?is)^(insert\\s+into\\s+.+?\\))\\s+values\\s*\\(");

    /**
     * {@code insert into t (a, b) values (?, cast(? as uuid)) [tail]} as {@code insert into t (a, b) select u.v1, cast(u.v2 as uuid)
     * from unnest(cast(? as text[]), cast(? as text[])) with ordinality as u(v1, v2, row_order) order by u.row_order [tail]}: each
     * value's array, sent as text and cast to its type, and the rows in the order appended (sequences and defaults are drawn in it).
     */
    static String overArrays(String sql, int[] types) {
        Matcher head = VALUES.matcher(sql);
        if (!head.find()) {
            throw new IllegalArgumentException("not an insert … values (…): " + sql);
        }
        int open = head.end() - 1;
        List<String> expressions = new ArrayList<>();
        int depth = 0;
        int from = open + 1;
        boolean quoted = false;
        int close = -1;
        for (int i = open + 1; i < sql.length() && close < 0; i++) {
            char c = sql.charAt(i);
            if (c == '\'') {
                quoted = !quoted;
            } else if (!quoted && c == '(') {
                depth++;
            } else if (!quoted && c == ')' && depth > 0) {
                depth--;
            } else if (!quoted && (c == ',' || c == ')') && depth == 0) {
                expressions.add(sql.substring(from, i).trim());
                from = i + 1;
                if (c == ')') {
                    close = i;
                }
            }
        }
        if (close < 0) {
            throw new IllegalArgumentException("the values' parenthesis is not closed: " + sql);
        }
        StringBuilder select = new StringBuilder();
        int value = 0;
        for (String expression : expressions) {
            select.append(select.length() == 0 ? "" : ", ");
            boolean inQuotes = false;
            for (char c : expression.toCharArray()) {
                if (c == '\'') {
                    inQuotes = !inQuotes;
                }
                if (c == '?' && !inQuotes) {
                    if (value == types.length) {
                        throw new IllegalArgumentException(sql + " has more values than its " + types.length + " types");
                    }
                    // each array's elements are text: a value whose column is not text is cast to its type
                    String cast = castOf(types[value]);
                    value++;
                    select.append(cast == null ? "u.v" + value : "cast(u.v" + value + " as " + cast + ")");
                } else {
                    select.append(c);
                }
            }
        }
        if (value != types.length) {
            throw new IllegalArgumentException(sql + " has " + value + " values, and " + types.length + " types");
        }
        StringBuilder arrays = new StringBuilder();
        StringBuilder names = new StringBuilder();
        for (int i = 1; i <= types.length; i++) {
            arrays.append(i == 1 ? "" : ", ").append("cast(? as text[])");
            names.append("v").append(i).append(", ");
        }
        return head.group(1) + " select " + select + " from unnest(" + arrays + ") with ordinality as u(" + names
                + "row_order) order by u.row_order" + sql.substring(close + 1);
    }

    /** The cast a value of this JDBC type needs from text, or null for text itself. */
    private static String castOf(int type) {
        return switch (type) {
            case Types.VARCHAR, Types.CHAR, Types.LONGVARCHAR, Types.OTHER -> null;
            case Types.BIGINT -> "bigint";
            case Types.INTEGER -> "integer";
            case Types.SMALLINT -> "smallint";
            case Types.BOOLEAN, Types.BIT -> "boolean";
            case Types.TIMESTAMP_WITH_TIMEZONE -> "timestamptz";
            case Types.TIMESTAMP -> "timestamp";
            case Types.DATE -> "date";
            case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY -> "bytea";
            case Types.NUMERIC, Types.DECIMAL -> "numeric";
            case Types.DOUBLE -> "double precision";
            default -> throw new IllegalArgumentException("no cast from text for java.sql.Types " + type);
        };
    }
}

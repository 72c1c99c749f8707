package dev.portcullis.backbone.work;

import dev.portcullis.backbone.problem.UnavailableProblem;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;

/**
 * Tells a failure that will pass (the database restarting, a lock, a deadlock) from one that never
 * will (a message that breaks the contract, a change the domain refuses). The first is retried, in
 * order; the second is dead-lettered with its reason. What is neither is a bug, retried a while.
 */
public final class Failures {

    public enum Kind { TRANSIENT, PERMANENT, UNKNOWN }

    private Failures() {
    }

    public static Kind classify(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PermanentFailure) {
                return Kind.PERMANENT;
            }
        }
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            // a dependency that does not answer (policy-service down) comes back: waited out, in order, however long it takes
            if (t instanceof UnavailableProblem) {
                return Kind.TRANSIENT;
            }
            if (t instanceof SQLTransientException || t instanceof SQLRecoverableException || t instanceof ConnectException
                    || t instanceof SocketTimeoutException || t instanceof SocketException
                    || t instanceof jakarta.persistence.LockTimeoutException || t instanceof jakarta.persistence.PessimisticLockException
                    || t instanceof jakarta.persistence.QueryTimeoutException) {
                return Kind.TRANSIENT;
            }
            if (t instanceof SQLException sql && isTransientState(sql.getSQLState(), sql.getMessage())) {
                return Kind.TRANSIENT;
            }
        }
        return Kind.UNKNOWN;
    }

    /** The first cause of {@code failure} (itself included) of the given type, or null. */
    public static <T extends Throwable> T causeOf(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    /** The innermost cause, as text: what actually went wrong, for a log line or a message's last error. */
    public static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.toString();
    }

    /**
     * PostgreSQL's SQLSTATEs that pass by themselves: connection (08), serialization failure and
     * deadlock (40001, 40P01), lock not available (55P03), server shutting down or restarting (57P),
     * out of resources (53). A pool that cannot hand out a connection says so without a state.
     */
    static boolean isTransientState(String state, String message) {
        if (state == null) {
            return message != null && message.contains("Acquisition timeout");
        }
        return state.startsWith("08") || state.equals("40001") || state.equals("40P01") || state.equals("55P03")
                || state.startsWith("57P") || state.startsWith("53");
    }
}

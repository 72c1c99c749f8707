package dev.portcullis.backbone.outbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import org.jboss.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Who relays this database's outbox: the one instance holding a PostgreSQL session-level advisory
 * lock, on a connection of its own (outside the pool, which would hand it to someone else). When
 * that instance dies, even by {@code kill -9}, the kernel closes its socket, PostgreSQL ends the
 * session and frees the lock, and a standby (which keeps its own session open and asks again every
 * {@code retry}) takes it within {@code retry}. The holder also LISTENs
 * on {@link Outbox#CHANNEL}, so a commit on any other instance wakes the relay at once (its own commits wake it in process).
 *
 * <p>When the holder's machine vanishes or its network is cut, no socket is closed and TCP may keep
 * the session for minutes or hours. So the session itself is bounded by {@code silence}: PostgreSQL
 * ends a lease session idle that long ({@code idle_session_timeout}; the holder speaks every
 * {@code retry}), and the holder, whose reads time out after half of it, gives the lease up first.
 * TCP keepalives on both ends catch the rest.
 */
final class RelayLease implements Runnable {

    private static final Logger LOG = Logger.getLogger(RelayLease.class);
    /** One lease per database: every service has a database of its own. */
    private static final String LOCK_NAME = "portcullis-outbox-relay";

    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final Duration retry;
    private final Duration silence;
    private final Runnable onWake;
    private final Runnable onLost;
    private volatile boolean held;
    private volatile boolean running = true;
    private Thread thread;

    RelayLease(String jdbcUrl, String user, String password, Duration retry, Duration silence, Runnable onWake, Runnable onLost) {
        if (silence.compareTo(retry.multipliedBy(3)) < 0) {
            throw new IllegalArgumentException("the relay's lease timeout (" + silence + ") must be at least three poll intervals (" + retry + ")");
        }
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.retry = retry;
        this.silence = silence;
        this.onWake = onWake;
        this.onLost = onLost;
    }

    boolean held() {
        return held;
    }

    void start(String name) {
        thread = new Thread(this, name);
        thread.setDaemon(true);
        thread.start();
    }

    void stop() {
        running = false;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void run() {
        while (running) {
            try (Connection connection = connect()) {
                // a standby keeps its session and asks again every `retry`: no new PostgreSQL backend per attempt
                while (running && !acquire(connection)) {
                    Thread.sleep(retry.toMillis());
                }
                if (running) {
                    try (Statement listen = connection.createStatement()) {
                        listen.execute("listen " + Outbox.CHANNEL);
                    }
                    held = true;
                    LOG.infof("outbox relay lease taken: this instance publishes the outbox");
                    onWake.run();
                    PGConnection pg = connection.unwrap(PGConnection.class);
                    long spokeAt = System.nanoTime();
                    while (running) {
                        // blocks up to the timeout; a dead connection throws, and the lease is gone
                        PGNotification[] notifications = pg.getNotifications((int) retry.toMillis());
                        boolean any = notifications != null && notifications.length > 0;
                        // this instance's own commits woke its relay in process already (Outbox): another pass would find nothing
                        if (any && java.util.Arrays.stream(notifications).anyMatch(n -> !Outbox.INSTANCE.equals(n.getParameter()))) {
                            onWake.run();
                        }
                        // the session speaks every `retry` (idle_session_timeout, above), not after each notification: under load
                        // they come every few milliseconds, and hearing them is not speaking
                        if (!any || System.nanoTime() - spokeAt >= retry.toNanos()) {
                            try (Statement alive = connection.createStatement()) {
                                alive.execute("select 1");
                            }
                            spokeAt = System.nanoTime();
                        }
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (SQLException e) {
                if (held) {
                    LOG.warnf("outbox relay lease lost: %s", e.getMessage());
                } else {
                    LOG.debugf("outbox relay lease not reachable: %s", e.getMessage());
                }
            } finally {
                if (held) {
                    held = false;
                    onLost.run();
                }
            }
            try {
                Thread.sleep(retry.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Straight from the driver: DriverManager may not see it from Quarkus' class loader, and the pool must not own this session. */
    private Connection connect() throws SQLException {
        Properties credentials = new Properties();
        credentials.setProperty("user", user);
        credentials.setProperty("password", password);
        credentials.setProperty("ApplicationName", "portcullis-outbox-lease");
        // a database that stops answering is a lost lease after half the silence the server allows (whole seconds here)
        String halfSilence = Long.toString(Math.max(1, silence.toMillis() / 2_000));
        credentials.setProperty("socketTimeout", halfSilence);
        credentials.setProperty("connectTimeout", halfSilence);
        credentials.setProperty("tcpKeepAlive", "true");
        Connection connection = new org.postgresql.Driver().connect(jdbcUrl, credentials);
        if (connection == null) {
            throw new SQLException("not a PostgreSQL URL: " + jdbcUrl);
        }
        try (Statement bound = connection.createStatement()) {
            // the server's side: a holder it stops hearing from loses its session, and the lock, after `silence`
            bound.execute("set idle_session_timeout = " + silence.toMillis());
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
        return connection;
    }

    private static boolean acquire(Connection connection) throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement("select pg_try_advisory_lock(hashtextextended(?, 0))")) {
            lock.setString(1, LOCK_NAME);
            try (ResultSet result = lock.executeQuery()) {
                return result.next() && result.getBoolean(1);
            }
        }
    }
}

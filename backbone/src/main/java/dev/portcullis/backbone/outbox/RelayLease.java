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
 * on {@link Outbox#CHANNEL}, so a commit on any instance wakes the relay at once.
 */
final class RelayLease implements Runnable {

    private static final Logger LOG = Logger.getLogger(RelayLease.class);
    /** One lease per database: every service has a database of its own. */
    private static final String LOCK_NAME = "portcullis-outbox-relay";

    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final Duration retry;
    private final Runnable onWake;
    private final Runnable onLost;
    private volatile boolean held;
    private volatile boolean running = true;
    private Thread thread;

    RelayLease(String jdbcUrl, String user, String password, Duration retry, Runnable onWake, Runnable onLost) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.retry = retry;
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
                    while (running) {
                        // blocks up to the timeout; a dead connection throws, and the lease is gone
                        PGNotification[] notifications = pg.getNotifications((int) retry.toMillis());
                        if (notifications != null && notifications.length > 0) {
                            onWake.run();
                        }
                        try (Statement alive = connection.createStatement()) {
                            alive.execute("select 1");
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
        Connection connection = new org.postgresql.Driver().connect(jdbcUrl, credentials);
        if (connection == null) {
            throw new SQLException("not a PostgreSQL URL: " + jdbcUrl);
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

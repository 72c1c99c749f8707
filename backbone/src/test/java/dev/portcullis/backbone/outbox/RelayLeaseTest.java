package dev.portcullis.backbone.outbox;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.testsupport.PostgresResource;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The relay's holder vanishes without closing anything: its connection to PostgreSQL goes through a
 * proxy that, when cut, stops passing bytes but keeps both sockets open, as a pulled cable or a
 * frozen machine does (the kernels keep answering TCP, so TCP alone would keep the session for
 * good). A standby still takes the lease within the configured bound, and only after the holder
 * has given it up.
 */
class RelayLeaseTest {

    private static final Duration RETRY = Duration.ofMillis(200);
    private static final Duration SILENCE = Duration.ofSeconds(3);

    private final PostgresResource postgres = new PostgresResource();
    private Map<String, String> database;
    private Blackhole proxy;
    private final List<RelayLease> leases = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        database = postgres.start();
        proxy = new Blackhole(database.get("quarkus.datasource.jdbc.url"));
    }

    @AfterEach
    void stop() {
        leases.forEach(RelayLease::stop);
        proxy.close();
        postgres.stop();
    }

    @Test
    void aStandbyTakesTheLeaseWithinTheBoundWhenTheHoldersConnectionIsCutNotClosed() throws Exception {
        AtomicReference<Instant> holderGaveUp = new AtomicReference<>();
        AtomicReference<Instant> standbyTook = new AtomicReference<>();
        RelayLease holder = lease(proxy.jdbcUrl(), () -> { }, () -> holderGaveUp.compareAndSet(null, Instant.now()));
        holder.start("holder");
        await().atMost(Duration.ofSeconds(10)).until(holder::held);
        RelayLease standby = lease(database.get("quarkus.datasource.jdbc.url"), () -> standbyTook.compareAndSet(null, Instant.now()), () -> { });
        standby.start("standby");
        await().atMost(Duration.ofSeconds(10)).until(() -> leaseSessions() == 2);
        assertFalse(standby.held(), "the standby must wait while the holder is alive");

        Instant cut = Instant.now();
        proxy.cut();

        // the holder's last word came at most one retry before the cut; the server frees the lock SILENCE after it
        Duration bound = SILENCE.plus(RETRY.multipliedBy(2)).plusSeconds(1);
        await().atMost(bound.plusSeconds(5)).until(standby::held);
        Duration takeover = Duration.between(cut, standbyTook.get());
        assertTrue(takeover.compareTo(bound) <= 0, "the standby took the lease " + takeover.toMillis() + " ms after the cut, the bound is " + bound.toMillis() + " ms");
        assertNotNull(holderGaveUp.get(), "the holder must have given the lease up");
        assertTrue(holderGaveUp.get().isBefore(standbyTook.get()),
                "the holder gave up at +" + Duration.between(cut, holderGaveUp.get()).toMillis() + " ms, after the standby took the lease at +" + takeover.toMillis() + " ms");
        assertFalse(holder.held());
    }

    @Test
    void theHolderIsWokenByAnotherInstancesCommitsNotByItsOwn() throws Exception {
        AtomicInteger wakes = new AtomicInteger();
        RelayLease holder = lease(database.get("quarkus.datasource.jdbc.url"), wakes::incrementAndGet, () -> { });
        holder.start("holder");
        await().atMost(Duration.ofSeconds(10)).until(() -> holder.held() && wakes.get() == 1); // the pass on taking the lease
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (int i = 0; i < 5; i++) {
                // this instance's commits (Outbox woke its relay in process already), apart, so that each is heard on its own
                s.execute("select pg_notify('" + Outbox.CHANNEL + "', '" + Outbox.INSTANCE + "'), pg_sleep(0.05)");
            }
            s.execute("select pg_notify('" + Outbox.CHANNEL + "', 'another-instance')");
        }
        // PostgreSQL delivers them in commit order: once the other instance's has woken the relay, its own were heard before it
        await().atMost(Duration.ofSeconds(5)).until(() -> wakes.get() >= 2);
        assertEquals(2, wakes.get(), "only the other instance's commit wakes the relay");
    }

    @Test
    void aHolderHearingNotificationsWithoutPauseStillSpeaksAndKeepsItsLease() throws Exception {
        AtomicBoolean lost = new AtomicBoolean();
        AtomicInteger wakes = new AtomicInteger();
        RelayLease holder = lease(database.get("quarkus.datasource.jdbc.url"), wakes::incrementAndGet, () -> lost.set(true));
        holder.start("holder");
        await().atMost(Duration.ofSeconds(10)).until(holder::held);
        // a notification every 20 ms for twice the silence after which PostgreSQL ends a session that says nothing
        long until = System.nanoTime() + SILENCE.multipliedBy(2).toNanos();
        try (Connection c = connect(); Statement s = c.createStatement()) {
            while (System.nanoTime() < until) {
                s.execute("select pg_notify('" + Outbox.CHANNEL + "', 'another-instance'), pg_sleep(0.02)");
            }
        }
        assertTrue(holder.held(), "the holder kept its lease");
        assertFalse(lost.get(), "the holder's session was not ended for saying nothing");
        assertTrue(wakes.get() > 10, "the notifications woke the relay: " + wakes.get());
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(database.get("quarkus.datasource.jdbc.url"), database.get("quarkus.datasource.username"),
                database.get("quarkus.datasource.password"));
    }

    private RelayLease lease(String url, Runnable onWake, Runnable onLost) {
        RelayLease lease = new RelayLease(url, database.get("quarkus.datasource.username"), database.get("quarkus.datasource.password"), RETRY, SILENCE, onWake, onLost);
        leases.add(lease);
        return lease;
    }

    private long leaseSessions() throws SQLException {
        try (Connection c = DriverManager.getConnection(database.get("quarkus.datasource.jdbc.url"), database.get("quarkus.datasource.username"), database.get("quarkus.datasource.password"));
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery("select count(*) from pg_stat_activity where application_name = 'portcullis-outbox-lease' and datname = current_database()")) {
            r.next();
            return r.getLong(1);
        }
    }

    /** A TCP proxy to PostgreSQL that can stop passing bytes while keeping every socket open. */
    private static final class Blackhole implements AutoCloseable {
        private final ServerSocket server;
        private final String target;
        private final int targetPort;
        private final String database;
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();
        private volatile boolean cut;

        Blackhole(String jdbcUrl) throws IOException {
            // jdbc:postgresql://host:port/database
            String rest = jdbcUrl.substring("jdbc:postgresql://".length());
            String hostPort = rest.substring(0, rest.indexOf('/'));
            target = hostPort.substring(0, hostPort.lastIndexOf(':'));
            targetPort = Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
            database = rest.substring(rest.indexOf('/') + 1);
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread acceptor = new Thread(this::accept, "blackhole-accept");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        String jdbcUrl() {
            return "jdbc:postgresql://127.0.0.1:" + server.getLocalPort() + "/" + database;
        }

        void cut() {
            cut = true;
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    Socket client = server.accept();
                    Socket upstream = new Socket(target, targetPort);
                    sockets.add(client);
                    sockets.add(upstream);
                    pump(client, upstream);
                    pump(upstream, client);
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void pump(Socket from, Socket to) {
            Thread pump = new Thread(() -> {
                byte[] buffer = new byte[8192];
                try {
                    // the streams are left open on purpose: closing one would close its socket
                    InputStream in = from.getInputStream();
                    OutputStream out = to.getOutputStream();
                    int n;
                    while ((n = in.read(buffer)) >= 0) {
                        if (cut) {
                            // drop it and stop reading, never close (the sockets stay open in `sockets`): the far ends keep
                            // waiting, as behind a pulled cable
                            return;
                        }
                        out.write(buffer, 0, n);
                        out.flush();
                    }
                } catch (IOException e) {
                    // the test is over
                }
            }, "blackhole-pump");
            pump.setDaemon(true);
            pump.start();
        }

        @Override
        public void close() {
            try {
                server.close();
            } catch (IOException e) {
                // closing anyway
            }
            for (Socket socket : sockets) {
                try {
                    socket.close();
                } catch (IOException e) {
                    // closing anyway
                }
            }
        }
    }
}

package dev.portcullis.backbone.work;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * One thread that drains a queue of work held in the database (outbox rows, messages to send):
 * woken at once when a transaction commits new work, polling every {@code idle} in case a wake-up
 * was missed, and backing off exponentially while its target (Kafka, SMTP) is down — never on a
 * request thread.
 */
public final class BackgroundWorker {

    /** One pass of work; returns true when more is waiting. */
    @FunctionalInterface
    public interface Pass {
        boolean run() throws Exception;
    }

    private static final Logger LOG = Logger.getLogger(BackgroundWorker.class);

    private final String name;
    private final Pass pass;
    private final Duration idle;
    private final Duration maxBackoff;
    private final Duration gather;
    private final Semaphore wakeUps = new Semaphore(0);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running;
    private Thread thread;

    public BackgroundWorker(String name, Pass pass, Duration idle, Duration maxBackoff) {
        this(name, pass, idle, maxBackoff, Duration.ZERO);
    }

    /**
     * {@code gather}: how long a wake-up waits before its pass, so that the work of transactions committing at nearly the same
     * moment (one signal's events, read by several consumers) is one pass rather than one each.
     */
    public BackgroundWorker(String name, Pass pass, Duration idle, Duration maxBackoff, Duration gather) {
        this.name = name;
        this.pass = pass;
        this.idle = idle;
        this.maxBackoff = maxBackoff;
        this.gather = gather;
    }

    public synchronized void start() {
        if (thread != null) {
            return;
        }
        running = true;
        thread = new Thread(this::loop, name);
        thread.setDaemon(true);
        thread.start();
    }

    public void wake() {
        wakeUps.release();
    }

    public synchronized void stop() {
        running = false;
        stopped.countDown();
        wake();
        if (thread != null) {
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void loop() {
        long backoffMillis = 0;
        int failed = 0;
        String lastCause = null;
        while (running) {
            try {
                if (backoffMillis > 0) {
                    // a wake-up must not cut a back-off short: the target is still down
                    if (stopped.await(backoffMillis, TimeUnit.MILLISECONDS)) {
                        return;
                    }
                } else if (wakeUps.tryAcquire(idle.toMillis(), TimeUnit.MILLISECONDS) && !gather.isZero()
                        && stopped.await(gather.toMillis(), TimeUnit.MILLISECONDS)) {
                    return;
                }
                wakeUps.drainPermits();
                while (running && pass.run()) {
                    // more is waiting: go on at once
                }
                if (backoffMillis > 0) {
                    LOG.infof("%s: recovered after %d failed pass(es)", name, failed);
                }
                backoffMillis = 0;
                failed = 0;
                lastCause = null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                backoffMillis = backoffMillis == 0 ? 200 : Math.min(backoffMillis * 2, maxBackoff.toMillis());
                failed++;
                // the root cause is what a person can act on ("Could not commit transaction" is not); said once while it lasts
                String cause = Failures.rootMessage(e);
                if (!cause.equals(lastCause)) {
                    LOG.warnf("%s: pass failed, retrying in %d ms: %s%s", name, backoffMillis, cause,
                            cause.equals(e.toString()) ? "" : " (" + e + ")");
                } else {
                    LOG.debugf("%s: pass failed again (%d), retrying in %d ms: %s", name, failed, backoffMillis, cause);
                }
                lastCause = cause;
            }
        }
    }
}

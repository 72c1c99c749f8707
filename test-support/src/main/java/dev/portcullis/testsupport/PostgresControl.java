package dev.portcullis.testsupport;

import java.util.List;

/** Stops and starts the local PostgreSQL cluster under a running service, through deploy/local/postgres.sh: outage tests. */
public final class PostgresControl {

    private PostgresControl() {
    }

    /** Whether this run may stop and start PostgreSQL: only root, on the local cluster of postgres.sh (CI is both). */
    public static boolean available() {
        return "root".equals(System.getProperty("user.name")) && System.getenv("PGHOST") == null && System.getenv("PGPORT") == null;
    }

    public static void stop() {
        Processes.run(List.of(script(), "stop"), 120);
    }

    public static void start() {
        Processes.run(List.of(script(), "start"), 300);
    }

    private static String script() {
        return RepositoryRoot.get().resolve("deploy/local/postgres.sh").toString();
    }
}

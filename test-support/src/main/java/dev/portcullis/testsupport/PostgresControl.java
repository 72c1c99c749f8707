package dev.portcullis.testsupport;

import java.util.List;

/** Stops and starts the local PostgreSQL cluster under a running service, through deploy/local/postgres.sh: outage tests. */
public final class PostgresControl {

    private PostgresControl() {
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

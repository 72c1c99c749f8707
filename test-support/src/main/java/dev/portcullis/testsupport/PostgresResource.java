package dev.portcullis.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A fresh PostgreSQL database for one test run, on the local cluster, which it starts if stopped
 * — through deploy/local/postgres.sh, the same script the platform and CI use — or, for a user who
 * is not root, on whatever server {@code PGHOST}/{@code PGPORT} name, as the Portcullis role
 * ({@code PORTCULLIS_DB_USER} or {@code PGUSER}, {@code PORTCULLIS_DB_PASSWORD} or {@code PGPASSWORD}).
 */
public class PostgresResource implements QuarkusTestResourceLifecycleManager {

    private String database;

    @Override
    public Map<String, String> start() {
        String script = RepositoryRoot.get().resolve("deploy/local/postgres.sh").toString();
        Processes.run(List.of(script, "start"), 300);
        database = "test_" + Long.toHexString(System.currentTimeMillis()) + "_" + ThreadLocalRandom.current().nextInt(1000, 9999);
        Processes.run(List.of(script, "recreate-db", database), 60);
        return Map.of(
                "quarkus.datasource.jdbc.url", "jdbc:postgresql://" + env("PGHOST", "127.0.0.1") + ":" + env("PGPORT", "5432") + "/" + database,
                "quarkus.datasource.username", env("PORTCULLIS_DB_USER", env("PGUSER", "portcullis")),
                "quarkus.datasource.password", env("PORTCULLIS_DB_PASSWORD", env("PGPASSWORD", "portcullis")));
    }

    /** The same defaults as deploy/local/env.sh and postgres.sh. */
    private static String env(String name, String otherwise) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? otherwise : value;
    }

    @Override
    public void stop() {
        if (database != null) {
            Processes.run(List.of(RepositoryRoot.get().resolve("deploy/local/postgres.sh").toString(), "drop-db", database), 60);
        }
    }
}

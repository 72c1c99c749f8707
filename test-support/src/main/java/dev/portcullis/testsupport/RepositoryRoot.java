package dev.portcullis.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the project's root from a module's working directory, to run the project's own scripts. */
public final class RepositoryRoot {

    private RepositoryRoot() {
    }

    public static Path get() {
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        while (dir != null) {
            if (Files.isRegularFile(dir.resolve("deploy/local/postgres.sh"))) {
                return dir;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("no deploy/local/postgres.sh above " + System.getProperty("user.dir"));
    }
}

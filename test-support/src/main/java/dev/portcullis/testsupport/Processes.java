package dev.portcullis.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a command from the repository's root to completion: one of the project's scripts, or a service's jar. */
public final class Processes {

    private Processes() {
    }

    /** What a finished command said and how it ended. */
    public record Result(int exitCode, String output) {
    }

    /** Runs a command that must succeed; fails loudly with its output otherwise. */
    public static String run(List<String> command, long timeoutSeconds) {
        Result result = run(command, null, timeoutSeconds);
        if (result.exitCode() != 0) {
            throw new IllegalStateException(command + " exited " + result.exitCode() + ":\n" + result.output());
        }
        return result.output();
    }

    /**
     * Runs a command with exactly {@code environment} (or this process's environment when null).
     * Its output goes to a file while it runs, so a chatty command never blocks on a full pipe.
     */
    public static Result run(List<String> command, Map<String, String> environment, long timeoutSeconds) {
        Path output = null;
        try {
            output = Files.createTempFile("portcullis-process", ".log");
            ProcessBuilder builder = new ProcessBuilder(command).directory(RepositoryRoot.get().toFile()).redirectErrorStream(true)
                    .redirectOutput(output.toFile());
            if (environment != null) {
                builder.environment().clear();
                builder.environment().putAll(environment);
            }
            Process process = builder.start();
            boolean done = process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
            if (!done) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new IllegalStateException(command + " did not finish in " + timeoutSeconds + " s:\n" + Files.readString(output));
            }
            return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            if (output != null) {
                output.toFile().delete();
            }
        }
    }
}

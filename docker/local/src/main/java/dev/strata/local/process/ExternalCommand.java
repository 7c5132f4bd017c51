package dev.strata.local.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One run of an external program (ceph tools, radosgw), with its output in files and an error that
 * names the step, the command and the tails of the relevant logs.
 *
 * <p>Output always goes to files, never to pipes: the Ceph daemons fork into the background and
 * a pipe they inherited would block a reader forever.
 */
public final class ExternalCommand {
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(120);
    private static final int TAIL_LINES = 25;

    private final String step;
    private final List<String> args;
    private final List<String> secrets = new ArrayList<>();
    private final List<Path> explainingLogs = new ArrayList<>();
    private Duration timeout = DEFAULT_TIMEOUT;
    private boolean discardStdout;

    private ExternalCommand(String step, List<String> args) {
        this.step = step;
        this.args = List.copyOf(args);
    }

    /** {@code step} says what the command is for; it names the output files and appears in errors. */
    public static ExternalCommand of(String step, List<String> args) {
        return new ExternalCommand(step, args);
    }

    public static ExternalCommand of(String step, String... args) {
        return of(step, List.of(args));
    }

    public ExternalCommand timeout(Duration value) {
        this.timeout = value;
        return this;
    }

    /** An argument that must never appear in a message or log: it is shown as ***. */
    public ExternalCommand secret(String value) {
        secrets.add(value);
        return this;
    }

    /** For commands that echo credentials on stdout (radosgw-admin user create prints the keys). */
    public ExternalCommand discardStdout() {
        this.discardStdout = true;
        return this;
    }

    /** A daemon log whose tail explains a failure better than the command's own output. */
    public ExternalCommand explainWith(Path log) {
        explainingLogs.add(log);
        return this;
    }

    /** Runs to completion; returns stdout (trimmed). Output files go to {@code logDir}. */
    public String run(Path logDir) {
        String slug = step.replaceAll("[^A-Za-z0-9.-]+", "-");
        Path out = logDir.resolve("cmd-" + slug + ".out");
        Path err = logDir.resolve("cmd-" + slug + ".err");
        ProcessBuilder builder = new ProcessBuilder(args)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(discardStdout ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.to(out.toFile()))
                .redirectError(ProcessBuilder.Redirect.to(err.toFile()));
        try {
            Files.createDirectories(logDir);
            Process process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw failure("timed out after " + timeout.toSeconds() + " s", out, err);
            }
            if (process.exitValue() != 0) {
                throw failure("exit code " + process.exitValue(), out, err);
            }
            return discardStdout ? "" : Files.readString(out, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run step '" + step + "': " + describe() + " (" + e.getMessage() + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running step '" + step + "': " + describe(), e);
        }
    }

    /** The command line as it may be shown: secrets replaced by ***. */
    public String describe() {
        return redact(String.join(" ", args));
    }

    private IllegalStateException failure(String what, Path out, Path err) {
        StringBuilder message = new StringBuilder()
                .append("step '").append(step).append("' failed (").append(what).append("): ").append(describe());
        if (!discardStdout) {
            message.append('\n').append(redact(LogTail.of(out, TAIL_LINES)));
        }
        message.append('\n').append(redact(LogTail.of(err, TAIL_LINES)));
        for (Path log : explainingLogs) {
            message.append('\n').append(redact(LogTail.of(log, TAIL_LINES)));
        }
        return new IllegalStateException(message.toString());
    }

    private String redact(String text) {
        String safe = text;
        for (String secret : secrets) {
            safe = safe.replace(secret, "***");
        }
        return safe;
    }
}

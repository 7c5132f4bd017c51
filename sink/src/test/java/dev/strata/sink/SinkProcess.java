package dev.strata.sink;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/** The sink as a separate JVM running {@link SinkMain} with the test classpath, as production runs it, so that a test can SIGKILL it. */
final class SinkProcess implements AutoCloseable {
    private final Process process;
    private final Path log;

    private SinkProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static SinkProcess start(Path dir, Properties config) throws IOException {
        Files.createDirectories(dir);
        Path file = Files.createTempFile(dir, "sink-", ".properties");
        try (OutputStream out = Files.newOutputStream(file)) {
            config.store(out, "sink under test");
        }
        Path log = dir.resolve("sink.log");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process process = new ProcessBuilder(List.of(java, "-Xmx512m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                SinkMain.class.getName(), file.toString()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        return new SinkProcess(process, log);
    }

    /** SIGKILL: no shutdown hook, no last commit, uploads cut off wherever they are. */
    void crash() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Waits for the sink to end by itself: its exit code, or empty while it still runs after {@code limit}. */
    OptionalInt awaitExit(Duration limit) throws InterruptedException {
        return process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS) ? OptionalInt.of(process.exitValue()) : OptionalInt.empty();
    }

    String log() throws IOException {
        return Files.readString(log);
    }

    /** The last lines of the child's log, for a failure message: the child's own story of why it is stuck. */
    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    /** SIGTERM: the shutdown hook closes segments, waits for them and commits. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}

package dev.strata.capture;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/** CaptureMain in its own JVM, as production runs it, so that a test can kill it with SIGKILL. */
final class CaptureProcess implements AutoCloseable {
    private final Process process;
    private final Path log;

    private CaptureProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static CaptureProcess start(Path dir, Properties config, String logName) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve("capture.properties");
        try (OutputStream out = Files.newOutputStream(file)) {
            config.store(out, "capture under test");
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        Path log = dir.resolve(logName);
        ProcessBuilder builder = new ProcessBuilder(List.of(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                CaptureMain.class.getName(), file.toString()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().remove(CaptureConfig.DATABASE_PASSWORD_ENV);
        return new CaptureProcess(builder.start(), log);
    }

    /** SIGKILL: no shutdown hook, no offset flush, no goodbye to Postgres or Kafka. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Waits for capture to end by itself: its exit code, or empty while it still runs after {@code limit}. */
    OptionalInt awaitExit(Duration limit) throws InterruptedException {
        return process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS) ? OptionalInt.of(process.exitValue()) : OptionalInt.empty();
    }

    /** What this run printed. */
    String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}

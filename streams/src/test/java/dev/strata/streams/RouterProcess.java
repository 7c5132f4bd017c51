package dev.strata.streams;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/** The router as a separate JVM, as production runs it, so a test can kill it with SIGKILL. */
final class RouterProcess implements AutoCloseable {
    private final Process process;
    private final Path log;

    private RouterProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static RouterProcess start(Path dir, Properties config) throws IOException {
        Files.createDirectories(dir);
        Path file = Files.createTempFile(dir, "router-", ".properties");
        try (OutputStream out = Files.newOutputStream(file)) {
            config.store(out, "router under test");
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        Path log = dir.resolve("router.log");
        Process process = new ProcessBuilder(List.of(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                RouterMain.class.getName(), file.toString()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        return new RouterProcess(process, log);
    }

    /** SIGKILL: no shutdown hook, no transaction commit, no goodbye. */
    void crash() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Waits for the router to end by itself: its exit code, or empty while it still runs after {@code limit}. */
    OptionalInt awaitExit(Duration limit) throws InterruptedException {
        return process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS) ? OptionalInt.of(process.exitValue()) : OptionalInt.empty();
    }

    /** What the router printed (this directory's runs appended). */
    String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}

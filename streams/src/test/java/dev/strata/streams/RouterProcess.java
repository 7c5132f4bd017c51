package dev.strata.streams;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/** The router as a separate JVM, as production runs it, so a test can kill it with SIGKILL. */
final class RouterProcess implements AutoCloseable {
    private final Process process;

    private RouterProcess(Process process) {
        this.process = process;
    }

    static RouterProcess start(Path dir, Properties config) throws IOException {
        Files.createDirectories(dir);
        Path file = Files.createTempFile(dir, "router-", ".properties");
        try (OutputStream out = Files.newOutputStream(file)) {
            config.store(out, "router under test");
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        Process process = new ProcessBuilder(List.of(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                RouterMain.class.getName(), file.toString()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("router.log").toFile()))
                .start();
        return new RouterProcess(process);
    }

    /** SIGKILL: no shutdown hook, no transaction commit, no goodbye. */
    void crash() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    boolean alive() {
        return process.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}

package dev.strata.production.soak;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * One Strata service as production runs it: {@code java -jar <service jar> <properties>} in its own
 * process, its output appended to one log across restarts, so that the soak can SIGKILL, SIGSTOP or
 * stop it. (The service modules' own SinkProcess, CaptureProcess and RouterProcess run a main class
 * from their test classpath, which this module does not have: it sees the packaged jars.)
 */
final class ServiceJvm implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /** Every service process this JVM started: killed when it exits, however it exits (a failed or interrupted soak). */
    private static final Set<Process> STARTED = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> STARTED.forEach(Process::destroyForcibly), "soak-services-exit"));
    }

    private final String name;
    private final Path jar;
    private final Path config;
    private final Path log;
    private final int metricsPort;
    private Process process;

    private ServiceJvm(String name, Path jar, Path config, Path log, int metricsPort) {
        this.name = name;
        this.jar = jar;
        this.config = config;
        this.log = log;
        this.metricsPort = metricsPort;
    }

    /** Writes {@code name.properties} into {@code dir} and starts the service on it; {@code metricsPort} is its strata.metrics.port. */
    static ServiceJvm start(String name, Path jar, Properties properties, Path dir, int metricsPort) {
        try {
            Files.createDirectories(dir);
            Path config = dir.resolve(name + ".properties");
            try (OutputStream out = Files.newOutputStream(config)) {
                properties.store(out, "soak: " + name);
            }
            ServiceJvm service = new ServiceJvm(name, jar, config, dir.resolve(name + ".log"), metricsPort);
            service.launch();
            return service;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + " from " + jar + ": " + e.getMessage(), e);
        }
    }

    private void launch() throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        process = new ProcessBuilder(List.of(java, "-Xmx384m", "-XX:+UseSerialGC",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-Dorg.slf4j.simpleLogger.log.dev.strata=info",
                "-jar", jar.toString(), config.toString()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        killOnExit(process);
    }

    /** Kills {@code process} when this JVM exits, if it still runs then. */
    static void killOnExit(Process process) {
        STARTED.add(process);
    }

    String name() {
        return name;
    }

    /** The scrape target Prometheus gets for this service. */
    String target() {
        return "127.0.0.1:" + metricsPort;
    }

    /** Starts the same service again on the same properties (its log goes on). */
    void restart() {
        if (process.isAlive()) {
            throw new IllegalStateException(name + " still runs (pid " + process.pid() + "): stop or kill it before a restart");
        }
        try {
            launch();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot restart " + name + ": " + e.getMessage(), e);
        }
    }

    /** SIGKILL: no shutdown hook, no last commit, no goodbye to anyone. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException(name + " (pid " + process.pid() + ") outlived SIGKILL by 30 s");
        }
    }

    /** Waits until the service's /metrics has a line {@code ready} accepts, or fails naming the log's last lines. */
    void awaitMetrics(String what, Predicate<List<String>> ready, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited (code " + process.exitValue() + ") before " + what + "; its log ends:\n" + logTail());
            }
            try {
                if (ready.test(scrape().lines().toList())) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(name + ": no " + what + " within " + limit.toSeconds() + " s; its log ends:\n" + logTail());
    }

    /** Waits until the log holds {@code count} lines containing {@code marker} (this run's and earlier runs'). */
    void awaitLog(String marker, int count, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited (code " + process.exitValue() + ") before logging '" + marker + "'; its log ends:\n"
                        + logTail());
            }
            if (logLines().stream().filter(l -> l.contains(marker)).count() >= count) {
                return;
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(name + " did not log '" + marker + "' within " + limit.toSeconds() + " s; its log ends:\n" + logTail());
    }

    String scrape() throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).timeout(Duration.ofSeconds(5)).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body();
    }

    List<String> logLines() {
        try {
            return Files.exists(log) ? Files.readAllLines(log) : List.of();
        } catch (IOException e) {
            return List.of("(cannot read " + log + ": " + e.getMessage() + ")");
        }
    }

    String logTail() {
        List<String> lines = logLines();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }

    /** SIGTERM and a graceful stop (a sink closes, uploads and commits its segments); SIGKILL after 60 s. */
    @Override
    public void close() throws InterruptedException {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}

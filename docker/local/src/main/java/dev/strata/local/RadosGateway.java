package dev.strata.local;

import dev.strata.local.process.Elapsed;
import dev.strata.local.process.ExternalCommand;
import dev.strata.local.process.LogTail;
import dev.strata.local.process.PidFiles;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** One radosgw daemon (the S3 endpoint of a region): start, wait until it serves, stop. */
final class RadosGateway {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration PORT_CLOSE_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(50);
    private static final int HTTP_TIMEOUT_MILLIS = 1000;

    private final Path clusterDir;
    private final String region;
    private final int port;

    RadosGateway(Path clusterDir, String region, int port) {
        this.clusterDir = clusterDir;
        this.region = region;
        this.port = port;
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    int port() {
        return port;
    }

    Path pidFile() {
        return CephConfig.pidFile(clusterDir, CephConfig.gatewayName(region));
    }

    /** Launches radosgw (it forks into the background) and waits until it answers HTTP. */
    void start() {
        String daemon = CephConfig.gatewayName(region);
        Path log = CephConfig.logFile(clusterDir, daemon);
        ExternalCommand.of("start " + daemon, "radosgw", "-c", clusterDir.resolve("ceph.conf").toString(), "-n", daemon)
                .explainWith(log)
                .run(clusterDir.resolve("log"));
        Elapsed waiting = Elapsed.start();
        while (!answersHttp()) {
            if (waiting.exceeds(Duration.ofSeconds(2)) && process().isEmpty()) {
                throw new IllegalStateException("region " + region + ": radosgw exited during start-up\n" + LogTail.of(log, 30));
            }
            if (waiting.exceeds(START_TIMEOUT)) {
                throw new IllegalStateException("region " + region + ": radosgw not serving on " + endpoint()
                        + " after " + START_TIMEOUT.toSeconds() + " s\n" + LogTail.of(log, 30));
            }
            sleep();
        }
    }

    /**
     * SIGTERM, then waits until the port is closed and the process is gone (SIGKILL after 30 s).
     * Returns how long the port took to close.
     */
    Elapsed stop() {
        Optional<ProcessHandle> process = process();
        process.ifPresent(ProcessHandle::destroy);
        Elapsed waiting = Elapsed.start();
        while (FreePorts.isListening(port) && !waiting.exceeds(PORT_CLOSE_TIMEOUT)) {
            sleep();
        }
        Elapsed portClosed = waiting.frozen();
        // a restart needs the old process gone: it still holds the pid file and the admin socket
        process.filter(gateway -> !PidFiles.awaitExit(gateway, EXIT_TIMEOUT)).ifPresent(ProcessHandle::destroyForcibly);
        try {
            Files.deleteIfExists(pidFile());
        } catch (IOException e) {
            throw new IllegalStateException("region " + region + ": cannot remove " + pidFile(), e);
        }
        if (FreePorts.isListening(port)) {
            throw new IllegalStateException("region " + region + ": port " + port + " still open after stopping radosgw");
        }
        return portClosed;
    }

    /** SIGSTOP or SIGCONT to the running radosgw: frozen, its port still accepts connections and nothing answers (a hung gateway). */
    void signal(String signal) {
        long pid = process().orElseThrow(() -> new IllegalStateException("region " + region + ": radosgw is not running")).pid();
        ExternalCommand.of(signal + " radosgw", "kill", "-" + signal, Long.toString(pid)).run(clusterDir.resolve("log"));
    }

    boolean isRunning() {
        return process().isPresent();
    }

    private Optional<ProcessHandle> process() {
        return PidFiles.process(pidFile());
    }

    // any HTTP status will do (anonymous GET / is a ListBuckets): the gateway is initialised
    private boolean answersHttp() {
        try {
            HttpURLConnection connection = (HttpURLConnection) endpoint().toURL().openConnection();
            connection.setConnectTimeout(HTTP_TIMEOUT_MILLIS);
            connection.setReadTimeout(HTTP_TIMEOUT_MILLIS);
            try {
                return connection.getResponseCode() > 0;
            } finally {
                connection.disconnect();
            }
        } catch (IOException notYet) {
            return false;
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for radosgw", e);
        }
    }
}

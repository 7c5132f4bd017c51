package dev.strata.production.soak;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.local.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code prometheus} (docker/local/install-deps installs it) scraping every service of the soak, with
 * docker/prometheus/alerts.yml as its rules. The targets are a file_sd file, rewritten when a sink comes or goes, as
 * service discovery would; each target's instance label is the service's name.
 */
final class PrometheusServer implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/bin/prometheus");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** One alert as /api/v1/alerts lists it. */
    record Alert(String name, Map<String, String> labels, String state) {
        boolean firing() {
            return state.equals("firing");
        }
    }

    private final Process process;
    private final Path targets;
    private final int port;
    private final Path log;

    private PrometheusServer(Process process, Path targets, int port, Path log) {
        this.process = process;
        this.targets = targets;
        this.port = port;
        this.log = log;
    }

    static PrometheusServer start(Path dir, Path rules, Collection<ServiceJvm> services) throws IOException, InterruptedException {
        if (!Files.isExecutable(BINARY)) {
            throw new IllegalStateException(BINARY + " is missing: run docker/local/install-deps (it installs Debian's prometheus package)");
        }
        Files.createDirectories(dir);
        Path targets = dir.resolve("targets.json");
        writeTargets(targets, services);
        long scrape = SoakPlan.SCRAPE_INTERVAL.toSeconds();
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, String.join("\n",
                "# written by the soak: the services on this machine's ports; rules as in production",
                "global: {scrape_interval: " + scrape + "s, evaluation_interval: " + scrape + "s}",
                "rule_files: ['" + rules.toAbsolutePath() + "']",
                "scrape_configs:",
                "  - job_name: strata",
                "    file_sd_configs: [{files: ['" + targets + "'], refresh_interval: " + scrape + "s}]",
                ""));
        int port = FreePorts.next();
        Path log = dir.resolve("prometheus.log");
        Process process = new ProcessBuilder(List.of(BINARY.toString(), "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        ServiceJvm.killOnExit(process);
        PrometheusServer server = new PrometheusServer(process, targets, port, log);
        server.awaitReady();
        return server;
    }

    private void awaitReady() throws InterruptedException, IOException {
        for (int i = 0; i < 120; i++) {
            if (!process.isAlive()) {
                throw new IllegalStateException("prometheus exited (code " + process.exitValue() + "): " + Files.readString(log));
            }
            try {
                if (get("/-/ready").statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("prometheus not ready within 30 s: " + Files.readString(log));
    }

    /** The services Prometheus scrapes from now on (it rereads the file within a scrape interval). */
    void scrape(Collection<ServiceJvm> services) throws IOException {
        writeTargets(targets, services);
    }

    private static void writeTargets(Path file, Collection<ServiceJvm> services) throws IOException {
        List<Map<String, Object>> groups = new ArrayList<>();
        for (ServiceJvm service : services) {
            groups.add(Map.of("targets", List.of(service.target()), "labels", Map.of("instance", service.name())));
        }
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        Files.writeString(partial, JSON.writeValueAsString(groups));
        Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Every alert now pending or firing. */
    List<Alert> alerts() throws IOException, InterruptedException {
        HttpResponse<String> response = get("/api/v1/alerts");
        if (response.statusCode() != 200) {
            throw new IOException("prometheus /api/v1/alerts answered " + response.statusCode() + ": " + response.body());
        }
        List<Alert> alerts = new ArrayList<>();
        for (JsonNode alert : JSON.readTree(response.body()).path("data").path("alerts")) {
            Map<String, String> labels = new TreeMap<>();
            alert.path("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
            alerts.add(new Alert(labels.get("alertname"), labels, alert.path("state").asText()));
        }
        return alerts;
    }

    /** The targets whose last scrape did not succeed (not yet scraped, or failed), each with Prometheus's error. */
    List<String> targetsNotUp() throws IOException, InterruptedException {
        JsonNode active = JSON.readTree(get("/api/v1/targets?state=active").body()).path("data").path("activeTargets");
        List<String> down = new ArrayList<>();
        for (JsonNode target : active) {
            if (!target.path("health").asText().equals("up")) {
                down.add(target.path("labels").path("instance").asText() + " (" + target.path("health").asText() + ": "
                        + target.path("lastError").asText() + ")");
            }
        }
        return down;
    }

    /** The number of targets Prometheus knows of now. */
    int targets() throws IOException, InterruptedException {
        return JSON.readTree(get("/api/v1/targets?state=active").body()).path("data").path("activeTargets").size();
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}

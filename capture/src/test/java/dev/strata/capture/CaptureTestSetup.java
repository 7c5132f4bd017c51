package dev.strata.capture;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.local.LocalKafka;
import dev.strata.local.LocalPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;

/** A capture configuration against the local stack, and the SQL chores of the capture tests (and the sink's end-to-end IT). */
public final class CaptureTestSetup {
    private CaptureTestSetup() {
    }

    /** One test's capture: its own database, name (ChangeEvent.source), slot and publication. */
    public static Properties properties(LocalKafka kafka, LocalPostgres pg, String database, String name, String tables) {
        Properties p = new Properties();
        p.setProperty(CaptureConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        p.setProperty(CaptureConfig.NAME, name);
        p.setProperty(CaptureConfig.TABLES, tables);
        p.setProperty(CaptureConfig.SLOT, name + "_slot");
        p.setProperty(CaptureConfig.PUBLICATION, name + "_pub");
        p.setProperty(CaptureConfig.DATABASE_HOST, "127.0.0.1");
        p.setProperty(CaptureConfig.DATABASE_PORT, Integer.toString(pg.port()));
        p.setProperty(CaptureConfig.DATABASE_NAME, database);
        p.setProperty(CaptureConfig.DATABASE_USER, pg.user());
        p.setProperty(CaptureConfig.TOPIC_REPLICATION, "1");
        p.setProperty(CaptureConfig.TOPIC_PARTITIONS, "3");
        p.setProperty(CaptureConfig.HEARTBEAT_INTERVAL_MS, "500");
        return p;
    }

    public static CaptureConfig config(Properties properties) {
        return CaptureConfig.from(properties, variable -> null);
    }

    static Connection connect(LocalPostgres pg, String database) throws SQLException {
        return DriverManager.getConnection(pg.jdbcUrl(database), pg.user(), pg.password());
    }

    public static void execute(LocalPostgres pg, String database, String... statements) throws SQLException {
        try (Connection connection = connect(pg, database); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    static long count(LocalPostgres pg, String database, String query) throws SQLException {
        try (Connection connection = connect(pg, database); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery(query)) {
            row.next();
            return row.getLong(1);
        }
    }

    /**
     * Waits until the capture serving {@code metricsPort} says it streams ({@code strata_capture_streaming 1}:
     * its snapshot is in Kafka, its slot active, its publication covers every captured table): for a
     * capture in its own JVM. An in-process capture waits with {@link CaptureService#awaitStreaming}.
     */
    static void awaitStreaming(int metricsPort) throws InterruptedException {
        awaitStreaming(metricsPort, 1);
    }

    /** As {@link #awaitStreaming(int)}, for a capture process of {@code databases} databases: each of them streams. */
    static void awaitStreaming(int metricsPort, int databases) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            try {
                String metrics = scrape(metricsPort);
                long streaming = metrics.lines().filter(l -> l.startsWith("strata_capture_streaming{") && l.endsWith(" 1.0")).count();
                if (streaming >= databases) {
                    return;
                }
                last = streaming + " of " + databases + " databases stream";
            } catch (IOException e) {
                last = e.toString(); // not listening yet
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("the capture on metrics port " + metricsPort + " is not streaming after 60 s (" + last + ")");
    }

    /** Waits until no walsender holds the slot (after a capture process died or stopped). */
    static void awaitSlotReleased(LocalPostgres pg, String database, String slot) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        try (Connection connection = connect(pg, database); Statement statement = connection.createStatement()) {
            while (System.nanoTime() < deadline) {
                try (ResultSet row = statement.executeQuery("SELECT active FROM pg_replication_slots WHERE slot_name = '" + slot + "'")) {
                    if (!row.next() || !row.getBoolean(1)) {
                        return;
                    }
                }
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("slot " + slot + " is still active 60 s after its capture stopped");
    }

    /** Drops a test's slot once its walsender let go of it (dropping an active slot fails). */
    public static void dropSlot(LocalPostgres pg, String database, String slot) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        try (Connection connection = connect(pg, database); Statement statement = connection.createStatement()) {
            while (System.nanoTime() < deadline) {
                try (ResultSet row = statement.executeQuery("SELECT active FROM pg_replication_slots WHERE slot_name = '" + slot + "'")) {
                    if (!row.next()) {
                        return;
                    }
                    if (!row.getBoolean(1)) {
                        statement.execute("SELECT pg_drop_replication_slot('" + slot + "')");
                        return;
                    }
                }
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("slot " + slot + " stayed active for 30 s after capture stopped");
    }

    /** Waits until a line of the capture's {@code /metrics} contains a match of {@code pattern}. */
    static void awaitMetric(int port, java.util.regex.Pattern pattern, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String metrics;
        while (!pattern.matcher(metrics = scrape(port)).find()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no match of '" + pattern + "' on /metrics after " + timeout.toSeconds() + " s:\n" + metrics);
            }
            Thread.sleep(100);
        }
    }

    /** The body of a service's Prometheus endpoint on loopback. */
    static String scrape(int port) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

package dev.strata.production.soak;

import dev.strata.local.FreePorts;
import dev.strata.local.LocalKafka;
import dev.strata.local.LocalObjectStores;
import dev.strata.local.LocalPostgres;
import dev.strata.local.LocalRegion;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The soak's servers (KRaft Kafka, PostgreSQL with commit timestamps, two Ceph RGW regions) and its service JVMs: two
 * routers, two sinks per regime (more come and go), one capture for the three source databases; and the moves and
 * faults the soak makes to them.
 */
final class SoakServices implements AutoCloseable {
    private static final String VERSION = "0.1.0-SNAPSHOT";
    private static final Duration START_LIMIT = Duration.ofSeconds(120);
    private final Path root;
    private final Path dir;
    private final LocalKafka kafka;
    private final LocalPostgres postgres;
    private final LocalObjectStores stores;
    private final SoakConfigs configs;
    private final List<ServiceJvm> routers = new ArrayList<>();
    private final List<ServiceJvm> sinks = new ArrayList<>();
    private ServiceJvm capture;
    private int sinkNumber;
    private boolean backupFrozen;

    private SoakServices(Path root, Path dir, LocalKafka kafka, LocalPostgres postgres, LocalObjectStores stores) {
        this.root = root;
        this.dir = dir;
        this.kafka = kafka;
        this.postgres = postgres;
        this.stores = stores;
        this.configs = new SoakConfigs(kafka.bootstrapServers(), postgres.port(), postgres.user(), stores, dir);
    }

    /** Starts the three servers at once (Ceph dominates) and the regimes' buckets. */
    static SoakServices startServers(Path root, Path workDir, Path dir) {
        ExecutorService starters = Executors.newFixedThreadPool(3);
        try {
            CompletableFuture<LocalObjectStores> stores = CompletableFuture.supplyAsync(() -> LocalObjectStores.start(workDir), starters);
            CompletableFuture<LocalKafka> kafka = CompletableFuture.supplyAsync(() -> LocalKafka.start(workDir), starters);
            // commit timestamps: a marker's exact commit time, from which its commit -> durable latency is measured
            CompletableFuture<LocalPostgres> postgres = CompletableFuture.supplyAsync(
                    () -> LocalPostgres.start(workDir, Map.of("track_commit_timestamp", "on"), data -> { }), starters);
            SoakServices services = new SoakServices(root, dir, kafka.join(), postgres.join(), stores.join());
            for (String regime : SoakConfigs.REGIMES) {
                stores.join().regions().forEach(region -> region.createLockedBucket(SoakConfigs.bucket(regime)));
            }
            return services;
        } finally {
            starters.shutdown();
        }
    }

    /** Two routers (they create the topics), then two sinks per regime, all started at once: JVM start-ups overlap their waits. */
    void startRoutersAndSinks() throws InterruptedException {
        for (int i = 1; i <= 2; i++) {
            int port = FreePorts.next();
            routers.add(ServiceJvm.start("router-" + i, jar("streams", "streams"), configs.router(port, "router-" + i), dir, port));
        }
        for (ServiceJvm router : routers) {
            router.awaitLog("REBALANCING -> RUNNING", 1, START_LIMIT);
        }
        for (String regime : SoakConfigs.REGIMES) {
            for (int i = 0; i < 2; i++) {
                startSink(regime);
            }
        }
    }

    /** Waits until every sink started so far says it has started. */
    void awaitSinks() throws InterruptedException {
        for (ServiceJvm sink : sinks) {
            sink.awaitLog("sink started", 1, START_LIMIT);
        }
    }

    /** Capture, once its databases exist and their tenants are placed (else its first events are parked UNPLACED). */
    void startCapture() throws InterruptedException {
        int port = FreePorts.next();
        capture = ServiceJvm.start("capture", jar("capture", "capture"), configs.capture(port), dir, port);
        awaitCaptureStreaming();
    }

    /** One more sink instance of {@code regime} in the regime's consumer group; returns once it has started. */
    ServiceJvm addSink(String regime) throws InterruptedException {
        ServiceJvm sink = startSink(regime);
        sink.awaitLog("sink started", 1, START_LIMIT);
        return sink;
    }

    private ServiceJvm startSink(String regime) {
        int port = FreePorts.next();
        ServiceJvm sink = ServiceJvm.start("sink-" + regime + "-" + ++sinkNumber, jar("sink", "sink"), configs.sink(regime, port), dir, port);
        sinks.add(sink);
        return sink;
    }

    /** Stops the oldest sink of {@code regime} gracefully (its segments are closed, made durable and committed first). */
    String removeSink(String regime) throws InterruptedException {
        ServiceJvm oldest = sinks.stream().filter(s -> s.name().startsWith("sink-" + regime + "-")).findFirst().orElseThrow();
        sinks.remove(oldest);
        oldest.close();
        return oldest.name();
    }

    /** Stops one router gracefully and starts it again (a rolling deploy of one instance). */
    void restartRouter() throws InterruptedException {
        ServiceJvm router = routers.get(0);
        long running = router.logLines().stream().filter(l -> l.contains("REBALANCING -> RUNNING")).count();
        router.close();
        router.restart();
        router.awaitLog("REBALANCING -> RUNNING", (int) running + 1, START_LIMIT);
    }

    /**
     * A crash loop: kill -9, restart, and once Prometheus has scraped the new process, kill -9 and restart again. Each
     * restart waits until PostgreSQL has released the slots (a slot still active refuses the new engine).
     */
    void crashLoopCapture(Duration scraped) throws InterruptedException, SQLException {
        for (int kill = 1; kill <= 2; kill++) {
            capture.kill9();
            awaitSlotsReleased();
            capture.restart();
            awaitCaptureStreaming();
            if (kill == 1) {
                Thread.sleep(scraped.toMillis());
            }
        }
    }

    private void awaitCaptureStreaming() throws InterruptedException {
        capture.awaitMetrics("streaming from all " + SourceDatabases.IDS.size() + " databases",
                lines -> lines.stream().filter(l -> l.startsWith("strata_capture_streaming{") && l.endsWith(" 1.0")).count()
                        >= SourceDatabases.IDS.size(), START_LIMIT);
    }

    private void awaitSlotsReleased() throws SQLException, InterruptedException {
        try (Connection db = DriverManager.getConnection(postgres.jdbcUrl("postgres"), postgres.user(), postgres.password());
             Statement sql = db.createStatement()) {
            for (int i = 0; i < 600; i++) {
                try (ResultSet active = sql.executeQuery("select count(*) from pg_replication_slots where active")) {
                    active.next();
                    if (active.getInt(1) == 0) {
                        return;
                    }
                }
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("PostgreSQL kept capture's replication slots active 60 s after capture was killed");
    }

    /** SIGSTOP to the backup region's gateway: its port accepts connections and nothing answers. */
    void freezeBackupGateway() {
        backup().freezeGateway();
        backupFrozen = true;
    }

    void thawBackupGateway() {
        backup().thawGateway();
        backupFrozen = false;
    }

    private LocalRegion backup() {
        return stores.backup();
    }

    /** Every service running now: what Prometheus scrapes. */
    List<ServiceJvm> running() {
        List<ServiceJvm> all = new ArrayList<>(routers);
        all.addAll(sinks);
        all.add(capture);
        return all;
    }

    SoakConfigs configs() {
        return configs;
    }

    LocalPostgres postgres() {
        return postgres;
    }

    String kafka() {
        return kafka.bootstrapServers();
    }

    Path jar(String module, String artifact) {
        return root.resolve(module).resolve("target").resolve("strata-" + artifact + "-" + VERSION + ".jar");
    }

    @Override
    public void close() throws Exception {
        if (backupFrozen) {
            thawBackupGateway();
        }
        List<ServiceJvm> all = running();
        for (int i = all.size() - 1; i >= 0; i--) {
            if (all.get(i) != null) {
                all.get(i).close();
            }
        }
        for (AutoCloseable server : List.<AutoCloseable>of(kafka, postgres, stores)) {
            server.close();
        }
    }
}

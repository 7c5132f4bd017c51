package dev.strata.production.soak;

import dev.strata.production.soak.PrometheusServer.Alert;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;

/**
 * The soak: the whole pipeline on the local servers under a multi-tenant load over three source databases while it
 * adds and removes a sink, restarts a router, crash-loops capture with kill -9 and freezes the backup region's
 * gateway; a running Prometheus with the production alert rules watches. Then every tenant is restored to points
 * recorded during the run and at its end, the stores are checked change by change, and commit -> durable latency is
 * reported. bench/soak runs it for 10 minutes, SoakIT for 3.
 */
final class SoakRun {
    static final String RESTARTING = "StrataServiceRestarting";
    static final String UPLOADS_FAILING = "StrataRegionUploadsFailing";
    static final String LAG_ABOVE_RPO = "StrataBackupLagAboveRpo";
    private static final Duration DURABLE_LIMIT = Duration.ofMinutes(5);
    /** The sinks' strata.durable.mark.interval.ms (default 5 s) and a margin: a restore is offered up to the last mark. */
    private static final Duration MARK_INTERVAL = Duration.ofSeconds(7);
    private final SoakPlan plan;
    private final Path root;
    private final Path workDir;
    private final Path dir;
    private final Clock clock = Clock.systemUTC();

    SoakRun(SoakPlan plan, Path root, Path workDir, Path dir) {
        this.plan = plan;
        this.root = root;
        this.workDir = workDir;
        this.dir = dir;
    }

    SoakResult run() throws Exception {
        SoakResult result = new SoakResult();
        long begun = System.nanoTime();
        deleteTree(dir); // a router's state directory from an earlier run names offsets of a Kafka that is gone
        try (SoakServices services = SoakServices.startServers(root, workDir, dir)) {
            SourceDatabases sources = SourceDatabases.create(services.postgres(), plan.tenantsPerSharedDatabase());
            services.startRoutersAndSinks();
            ToolCli tool = new ToolCli(services.jar("restore-tool", "restore-tool"), services.configs().restore(), dir.resolve("tool"));
            placeAll(tool, sources.tenants());
            services.awaitSinks();
            services.startCapture();
            result.line("soak: %d tenants over 3 source databases (%s), %d changes/s for %d s; 2 routers, 2 sinks per regime; set up in %.0f s",
                    sources.tenants().size(), sources.tenants().stream().map(t -> t.id() + "@" + t.database() + "/" + t.regime()).toList(),
                    plan.changesPerSecond(), plan.run().toSeconds(),
                    (System.nanoTime() - begun) / 1e9);
            try (PrometheusServer prometheus = PrometheusServer.start(dir.resolve("prometheus"), root.resolve("docker/prometheus/alerts.yml"),
                    services.running());
                 AlertWatch alerts = new AlertWatch(prometheus, clock);
                 MarkerLatency markers = new MarkerLatency(services.kafka())) {
                awaitScraped(prometheus, services.running().size());
                Timeline timeline = new Timeline(clock, line -> result.line("%s", line));
                Workload workload = new Workload(sources, plan.changesPerSecond(), markers, clock);
                List<SourcePoint> points = new ArrayList<>();
                List<AlertExpectation> expectations = new ArrayList<>();
                workload.start();
                try {
                    move(services, prometheus, timeline, points, expectations, workload);
                    timeline.sleepUntil(plan.run());
                } finally {
                    workload.close();
                }
                double seconds = Duration.between(timeline.origin(), clock.instant()).toMillis() / 1000.0;
                points.add(workload.pointAtNextSecond("end"));
                result.line("load: %d row changes committed in %.0f s: %.0f changes/s (and %d marker rows); load average %s",
                        workload.committedChanges(), seconds, workload.committedChanges() / seconds, markers.durable().size() + markers.notDurable(),
                        LoadAverage.now());
                result.line("timeline (from the load's start):");
                timeline.entries().forEach(entry -> result.line("  %s", timeline.describe(entry)));
                Instant end = points.get(points.size() - 1).at();
                awaitDurable(result, sources, markers, end);
                SoakChecks checks = new SoakChecks(result, clock, timeline);
                checks.latency(markers);
                checks.restores(tool, sources, points);
                checks.stores(services.configs().restore(), sources, workload);
                checks.alerts(alerts, expectations, allowed());
            }
        }
        result.line("soak: %s in %.0f s", result.failures().isEmpty() ? "PASSED" : result.failures().size() + " check(s) FAILED",
                (System.nanoTime() - begun) / 1e9);
        return result;
    }

    private void move(SoakServices services, PrometheusServer prometheus, Timeline timeline, List<SourcePoint> points,
                      List<AlertExpectation> expectations, Workload workload) throws Exception {
        timeline.sleepUntil(plan.crashLoopAt());
        Timeline.Entry crash = timeline.record("capture: kill -9, restart, kill -9 again, restart (a crash loop)",
                () -> services.crashLoopCapture(SoakPlan.SCRAPE_INTERVAL.multipliedBy(2).plusSeconds(1)));
        expectations.add(new AlertExpectation(crash, RESTARTING, List.of("{instance=capture}"),
                List.of(AlertExpectation.named(RESTARTING, "instance", "capture"))));
        timeline.sleepUntil(plan.addSinkAt());
        timeline.record("a third sink of regime us joins its group", () -> {
            services.addSink("us");
            prometheus.scrape(services.running());
        });
        timeline.sleepUntil(plan.firstPointAt());
        timeline.record("the source's state recorded at a whole second (point 1)", () -> points.add(workload.pointAtNextSecond("point-1")));
        timeline.sleepUntil(plan.routerRestartAt());
        timeline.record("router-1 stopped and started again", services::restartRouter);
        timeline.sleepUntil(plan.gatewayStopAt());
        Instant frozen = clock.instant();
        services.freezeBackupGateway();
        timeline.sleepUntil(Duration.between(timeline.origin(), frozen.plus(plan.gatewayStop().dividedBy(2))));
        timeline.record("the source's state recorded at a whole second (point 2, backup region frozen)",
                () -> points.add(workload.pointAtNextSecond("point-2")));
        // the whole stop even when an earlier step ran late (a router restart takes 10-45 s under load)
        timeline.sleepUntil(Duration.between(timeline.origin(), frozen.plus(plan.gatewayStop())));
        services.thawBackupGateway();
        Timeline.Entry outage = timeline.add("backup region's gateway frozen (SIGSTOP .. SIGCONT)", frozen, clock.instant());
        expectations.add(new AlertExpectation(outage, UPLOADS_FAILING, List.of("{regime=us, region=backup}", "{regime=eu, region=backup}"),
                SoakConfigs.REGIMES.stream().map(regime -> AlertExpectation.named(UPLOADS_FAILING, "region", "backup")
                        .and(a -> regime.equals(a.labels().get("regime")))).toList()));
        timeline.sleepUntil(plan.removeSinkAt());
        timeline.record("the oldest sink of regime us stopped and removed", () -> {
            services.removeSink("us");
            prometheus.scrape(services.running());
        });
        timeline.sleepUntil(plan.thirdPointAt());
        timeline.record("the source's state recorded at a whole second (point 3)", () -> points.add(workload.pointAtNextSecond("point-3")));
    }

    /** {@code tenants put} of every tenant, the tool JVMs at once (while the sinks start). */
    private static void placeAll(ToolCli tool, List<SoakTenant> tenants) throws Exception {
        ExecutorService placers = Executors.newFixedThreadPool(tenants.size());
        try {
            List<Future<ToolCli.Run>> puts = tenants.stream().map(t -> placers.submit(() -> tool.run("tenants", "put", t.id(), t.regime()))).toList();
            for (Future<ToolCli.Run> put : puts) {
                put.get().requireSuccess();
            }
        } finally {
            placers.shutdownNow();
        }
    }

    /** The alerts the injected faults explain: capture's restarts, the backup region's, and the lag the outage causes. */
    private static Predicate<Alert> allowed() {
        Predicate<Alert> restarting = AlertExpectation.named(RESTARTING, "instance", "capture");
        Predicate<Alert> backupRegion = AlertExpectation.named(UPLOADS_FAILING, "region", "backup");
        return restarting.or(backupRegion).or(a -> a.name().equals(LAG_ABOVE_RPO));
    }

    private static void awaitScraped(PrometheusServer prometheus, int targets) throws Exception {
        for (int i = 0; i < 60 && (prometheus.targets() < targets || !prometheus.targetsNotUp().isEmpty()); i++) {
            Thread.sleep(1_000);
        }
        if (prometheus.targets() < targets || !prometheus.targetsNotUp().isEmpty()) {
            throw new IllegalStateException("prometheus knows " + prometheus.targets() + " of " + targets + " services after 60 s, and these are"
                    + " not up: " + prometheus.targetsNotUp());
        }
    }

    /** Waits until every tenant's watermark has passed the end point, then a durable mark's interval. */
    private void awaitDurable(SoakResult result, SourceDatabases sources, MarkerLatency markers, Instant end) throws InterruptedException {
        long endMicros = end.getEpochSecond() * 1_000_000;
        Instant deadline = clock.instant().plus(DURABLE_LIMIT);
        for (SoakTenant tenant : sources.tenants()) {
            while (markers.durablePoint(tenant.id()) < endMicros && clock.instant().isBefore(deadline)) {
                Thread.sleep(500);
            }
            if (markers.durablePoint(tenant.id()) < endMicros) {
                result.fail("tenant %s not durable in both regions up to the end (%s) %d s after it", tenant.id(), end, DURABLE_LIMIT.toSeconds());
            }
        }
        Thread.sleep(MARK_INTERVAL.toMillis());
        result.line("every tenant durable in both regions up to the end point %s", end);
    }

    private static void deleteTree(Path tree) throws java.io.IOException {
        if (java.nio.file.Files.exists(tree)) {
            try (var paths = java.nio.file.Files.walk(tree)) {
                for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    java.nio.file.Files.delete(path);
                }
            }
        }
    }

    /** The machine's 1-minute load average, as /proc/loadavg says. */
    static final class LoadAverage {
        private LoadAverage() {
        }

        static String now() {
            try {
                return java.nio.file.Files.readString(Path.of("/proc/loadavg")).trim().split(" ")[0];
            } catch (java.io.IOException e) {
                return "unknown (" + e.getMessage() + ")";
            }
        }
    }
}

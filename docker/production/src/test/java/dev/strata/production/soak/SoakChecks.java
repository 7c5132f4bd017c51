package dev.strata.production.soak;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;

/** The soak's verdicts, each printed: alerts through Prometheus, restores against the source, the stores against the ledger, RPO. */
final class SoakChecks {
    static final Duration FIRE_LIMIT = Duration.ofMinutes(2);
    static final Duration CLEAR_LIMIT = Duration.ofMinutes(5);
    /** How long after a move or fault the pipeline may still be catching up: markers then are not "steady". */
    static final Duration SETTLE = Duration.ofSeconds(30);
    /** Restore-tool JVMs at once: each waits on the gateways and PostgreSQL as much as it computes, so 3 keep 2 cores busy. */
    static final int RESTORES_AT_ONCE = 3;
    private final SoakResult result;
    private final Clock clock;
    private final Timeline timeline;

    SoakChecks(SoakResult result, Clock clock, Timeline timeline) {
        this.result = result;
        this.clock = clock;
        this.timeline = timeline;
    }

    /** Waits (up to each limit) for the expected alerts to clear, then judges them and any other alert that fired. */
    void alerts(AlertWatch watch, List<AlertExpectation> expectations, Predicate<PrometheusServer.Alert> allowed) throws InterruptedException {
        for (AlertExpectation expected : expectations) {
            Instant deadline = expected.fault().end().plus(CLEAR_LIMIT).plusSeconds(10);
            while (clock.instant().isBefore(deadline) && cleared(watch, expected).isEmpty()) {
                Thread.sleep(1_000);
            }
            Timeline.Entry fault = expected.fault();
            for (int i = 0; i < expected.each().size(); i++) {
                Optional<Instant> fired = watch.firstFiring(expected.each().get(i), fault.start());
                String which = expected.alert() + " " + expected.eachLabel().get(i);
                if (fired.isEmpty() || Duration.between(fault.start(), fired.get()).compareTo(FIRE_LIMIT) > 0) {
                    result.fail("%s: %s did not fire within %d s of the fault (%s)", fault.what(), which, FIRE_LIMIT.toSeconds(),
                            fired.map(at -> "fired after " + seconds(fault.start(), at)).orElse("never fired"));
                } else {
                    result.line("alert  %-58s fired %s after the fault started", which, seconds(fault.start(), fired.get()));
                }
            }
            Optional<Instant> cleared = cleared(watch, expected);
            if (cleared.isEmpty() || Duration.between(fault.end(), cleared.get()).compareTo(CLEAR_LIMIT) > 0) {
                result.fail("%s: %s still firing %d s after the recovery", fault.what(), expected.alert(), CLEAR_LIMIT.toSeconds());
            } else {
                result.line("alert  %-58s cleared %s after the recovery", expected.alert(), seconds(fault.end(), cleared.get()));
            }
        }
        Set<String> unexpected = watch.unexpected(allowed);
        unexpected.forEach(a -> result.fail("an alert no injected fault explains fired: %s", a));
        result.line("alerts: %d polls of /api/v1/alerts, %d failed; %d alert(s) fired that no fault explains", watch.polls(), watch.errors().size(),
                unexpected.size());
    }

    /** The first quiet poll after the alert's last firing, if the alert fired at all and is quiet now. */
    private static Optional<Instant> cleared(AlertWatch watch, AlertExpectation expected) {
        Optional<Instant> fired = watch.firstFiring(expected.any(), expected.fault().start());
        if (fired.isEmpty()) {
            return Optional.empty();
        }
        Optional<Instant> quiet = watch.firstQuiet(expected.any(), expected.fault().end());
        while (quiet.isPresent() && watch.firstFiring(expected.any(), quiet.get()).isPresent()) {
            quiet = watch.firstQuiet(expected.any(), watch.firstFiring(expected.any(), quiet.get()).get());
        }
        return quiet;
    }

    /**
     * Restores every tenant to every recorded point into a fresh database ({@value #RESTORES_AT_ONCE} at a time) and
     * compares each table's checksum with the source's.
     */
    void restores(ToolCli tool, SourceDatabases sources, List<SourcePoint> points) throws Exception {
        long started = System.nanoTime();
        ExecutorService restorers = Executors.newFixedThreadPool(RESTORES_AT_ONCE);
        List<List<Future<Optional<String>>>> verdicts = new ArrayList<>();
        try {
            for (int p = 0; p < points.size(); p++) {
                SourcePoint point = points.get(p);
                String prefix = "restored_" + p + "_";
                verdicts.add(sources.tenants().stream()
                        .map(tenant -> restorers.submit(() -> restore(tool, sources, point, tenant, prefix + tenant.id()))).toList());
            }
            int restored = 0;
            for (int p = 0; p < points.size(); p++) {
                for (Future<Optional<String>> verdict : verdicts.get(p)) {
                    Optional<String> failure = verdict.get();
                    failure.ifPresent(f -> result.fail("%s", f));
                    restored += failure.isEmpty() ? 1 : 0;
                }
                result.line("restore %-8s %s: %d tenants restored and compared", points.get(p).name(), points.get(p).at(), sources.tenants().size());
            }
            result.line("restores: %d of %d equal the source, %.1f s in all (%d at a time)", restored, points.size() * sources.tenants().size(),
                    (System.nanoTime() - started) / 1e9, RESTORES_AT_ONCE);
        } finally {
            restorers.shutdownNow();
        }
    }

    /** One tenant restored to one point into {@code database}: empty when its tables equal the source's at the point, else why not. */
    private static Optional<String> restore(ToolCli tool, SourceDatabases sources, SourcePoint point, SoakTenant tenant, String database)
            throws Exception {
        sources.createEmpty(database);
        ToolCli.Run run = tool.run("replay", "--tenant", tenant.id(), "--until", point.at().toString(), "--target", "postgres",
                "--to", "jdbc:postgresql://127.0.0.1:" + sources.port() + "/" + database, "--user", sources.user(), "--progress", "none");
        if (run.code() != 0) {
            return Optional.of(String.format(Locale.ROOT, "restore of %s to %s (%s) failed with code %d: %s", tenant.id(), point.at(), point.name(),
                    run.code(), run.output()));
        }
        Map<String, String> expected = point.checksumsByTenant().get(tenant.id());
        Map<String, String> actual = sources.checksums(tenant, database);
        return actual.equals(expected) ? Optional.empty()
                : Optional.of(String.format(Locale.ROOT, "restore of %s to %s (%s): %s, the source had %s", tenant.id(), point.at(), point.name(),
                        actual, expected));
    }

    /** Every committed change in both regions exactly once after dedupe. */
    void stores(Properties restoreConfig, SourceDatabases sources, Workload workload) throws InterruptedException {
        long events = 0;
        long duplicates = 0;
        for (SoakTenant tenant : sources.tenants()) {
            Set<Long> committed = workload.ledger(tenant.id());
            for (StoredChanges.RegionResult region : StoredChanges.check(restoreConfig, tenant, committed)) {
                events += region.events();
                duplicates += region.duplicates();
                String counts = String.format(java.util.Locale.ROOT, "%s %s/%-7s %d committed, %d segments, %d events, %d copies removed by dedupe,"
                        + " %d missing, %d never committed, %d under two eventIds", tenant.id(), tenant.regime(), region.region(), committed.size(),
                        region.segments(), region.events(), region.duplicates(), region.missing(), region.unexpected(), region.twice());
                if (region.exact()) {
                    result.line("stored %s", counts);
                } else {
                    result.fail("stored %s: e.g. %s", counts, region.examples());
                }
            }
        }
        result.line("stored: %d events in all regions, %d of them copies (dedupe removes them)", events, duplicates);
    }

    /** Commit -> durable in both regions of the marker rows: all of them, and those away from every move and fault. */
    void latency(MarkerLatency markers) {
        List<MarkerLatency.Durable> all = markers.durable();
        List<MarkerLatency.Durable> steady = all.stream().filter(m -> timeline.entries().stream()
                .noneMatch(e -> e.disturbs(Instant.EPOCH.plusNanos(m.commitMicros() * 1_000), Duration.ofSeconds(5), SETTLE))).toList();
        result.line("commit -> durable in both regions, all markers:    %s", percentiles(all));
        result.line("commit -> durable in both regions, steady markers: %s (committed away from every move and fault, %d s after it)",
                percentiles(steady), SETTLE.toSeconds());
        result.line("markers committed and never seen durable: %d", markers.notDurable());
    }

    static String percentiles(List<MarkerLatency.Durable> markers) {
        if (markers.isEmpty()) {
            return "no markers";
        }
        List<Long> micros = new ArrayList<>(markers.stream().map(MarkerLatency.Durable::latencyMicros).toList());
        Collections.sort(micros);
        return String.format(java.util.Locale.ROOT, "p50 %.2f s, p99 %.2f s, max %.2f s (%d markers)", at(micros, 0.50), at(micros, 0.99),
                micros.get(micros.size() - 1) / 1e6, micros.size());
    }

    private static double at(List<Long> sorted, double quantile) {
        return sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(quantile * sorted.size()) - 1)) / 1e6;
    }

    private static String seconds(Instant from, Instant to) {
        return String.format(java.util.Locale.ROOT, "%.0f s", Duration.between(from, to).toMillis() / 1000.0);
    }
}

package dev.strata.streams;

import dev.strata.schemas.kafka.CompactedTopic;
import dev.strata.schemas.kafka.DeadLetterScan;
import dev.strata.schemas.kafka.MissingTopicException;
import dev.strata.schemas.kafka.Topics;
import dev.strata.schemas.ops.StopSignal;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code strata_router_parked_changes{tenant, placed}}: per tenant, the changes still parked in
 * {@code strata.dlq} (not yet handled by a redrive), recounted by reading the whole topic every
 * interval; {@code placed} says whether the tenant has a placement now, so that an alert can tell
 * "waiting for its placement" from "placed, yet parked". The router exports it because it is the one
 * service that parks changes and reads the placements. A tenant once seen keeps its row (0 when
 * none is left), so that a dashboard shows its parked changes going away.
 */
final class ParkedChangesGauge implements AutoCloseable {
    static final String PARKED = "strata.router.parked.changes";
    static final String SCAN_SECONDS = "strata.router.dlq.scan.seconds";
    private static final Logger LOG = LoggerFactory.getLogger(ParkedChangesGauge.class);
    private static final Duration READ_TIMEOUT = Duration.ofMinutes(2);

    private final Properties kafka;
    private final MultiGauge parked;
    private final Map<String, Long> lastCounts = new TreeMap<>();
    private final Map<String, Double> lastScan = new ConcurrentHashMap<>();
    private final StopSignal stop = new StopSignal();
    private final ScheduledExecutorService scans = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "router-dlq-scan");
        thread.setDaemon(true);
        return thread;
    });

    ParkedChangesGauge(Properties kafka, MeterRegistry registry) {
        this.kafka = kafka;
        this.parked = MultiGauge.builder(PARKED).description("changes of a tenant still parked in strata.dlq").register(registry);
        Gauge.builder(SCAN_SECONDS, lastScan, m -> m.getOrDefault("seconds", Double.NaN))
                .description("how long the last count of strata.dlq took").register(registry);
    }

    void start(Duration interval) {
        scans.scheduleWithFixedDelay(this::scanOnce, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    void scanOnce() {
        try {
            long start = System.nanoTime();
            Map<String, Long> counts = new TreeMap<>();
            long read = DeadLetterScan.scan(kafka, READ_TIMEOUT, stop, record -> {
                if (record.tenant() != null) {
                    counts.merge(record.tenant(), 1L, Long::sum);
                }
            });
            Set<String> placed = placedTenants();
            lastCounts.replaceAll((tenant, count) -> 0L);
            lastCounts.putAll(counts);
            List<MultiGauge.Row<?>> rows = new ArrayList<>();
            lastCounts.forEach((tenant, count) -> rows.add(MultiGauge.Row.of(
                    Tags.of("tenant", tenant, "placed", Boolean.toString(placed.contains(tenant))), count)));
            parked.register(rows, true);
            lastScan.put("seconds", (System.nanoTime() - start) / 1e9);
            LOG.debug("counted {} parked changes of {} tenants in {} records of {}", counts.values().stream().mapToLong(c -> c).sum(),
                    counts.size(), read, Topics.DEAD_LETTERS);
        } catch (RuntimeException e) {
            // the gauge keeps its last values; the next interval tries again
            LOG.warn("cannot count the parked changes in {}: {}", Topics.DEAD_LETTERS, e.getMessage());
        }
    }

    private Set<String> placedTenants() {
        try {
            return CompactedTopic.read(kafka, Topics.TENANTS, READ_TIMEOUT, stop).keySet();
        } catch (MissingTopicException none) {
            return Set.of();
        }
    }

    @Override
    public void close() {
        stop.stop();
        scans.shutdownNow();
    }
}

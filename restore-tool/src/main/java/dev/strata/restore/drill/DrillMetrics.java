package dev.strata.restore.drill;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Drill meters, names agreed with the alert rules: {@code strata_drill_runs_total{tenant,result}}
 * (result pass|fail|error), {@code strata_drill_last_success_timestamp_seconds{tenant}},
 * {@code strata_drill_last_rto_seconds{tenant}}, {@code strata_drill_checkpoint_age_seconds{tenant}},
 * {@code strata_drill_mismatched_tables{tenant}}.
 */
public final class DrillMetrics {
    static final String RUNS = "strata.drill.runs";
    static final String LAST_SUCCESS = "strata.drill.last.success.timestamp";
    static final String LAST_RTO = "strata.drill.last.rto";
    static final String CHECKPOINT_AGE = "strata.drill.checkpoint.age";
    static final String MISMATCHED = "strata.drill.mismatched.tables";

    private final MeterRegistry registry;
    private final Map<String, TenantGauges> tenants = new ConcurrentHashMap<>();

    /** The last values per tenant that the gauges read. */
    private static final class TenantGauges {
        volatile double lastSuccessSeconds = Double.NaN;
        volatile double lastRtoSeconds = Double.NaN;
        volatile double checkpointAgeSeconds = Double.NaN;
        volatile double mismatchedTables = Double.NaN;
    }

    public DrillMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void record(DrillReport report) {
        String tenant = report.tenant();
        Counter.builder(RUNS).description("restore drills run").tag("tenant", tenant)
                .tag("result", report.result().name().toLowerCase(java.util.Locale.ROOT)).register(registry).increment();
        TenantGauges gauges = tenants.computeIfAbsent(tenant, this::register);
        if (report.result() == DrillResult.PASS) {
            gauges.lastSuccessSeconds = Instant.parse(report.finishedAt()).toEpochMilli() / 1000.0;
        }
        if (report.result() != DrillResult.ERROR) {
            gauges.lastRtoSeconds = report.rtoSeconds();
            gauges.mismatchedTables = report.mismatchedTables();
        }
        if (report.checkpoint() != null) {
            gauges.checkpointAgeSeconds = report.checkpoint().ageSeconds();
        }
    }

    /**
     * Removes every meter of a tenant that is no longer drilled (erased): its last-success gauge would otherwise stay at its
     * last pass and fire StrataNoSuccessfulDrill24h a day later, for a tenant that has nothing left to drill.
     */
    public void forget(String tenant) {
        tenants.remove(tenant);
        for (String name : new String[] {RUNS, LAST_SUCCESS, LAST_RTO, CHECKPOINT_AGE, MISMATCHED}) {
            registry.find(name).tag("tenant", tenant).meters().forEach(registry::remove);
        }
    }

    private TenantGauges register(String tenant) {
        TenantGauges g = new TenantGauges();
        Gauge.builder(LAST_SUCCESS, g, x -> x.lastSuccessSeconds).baseUnit("seconds").tag("tenant", tenant)
                .description("when the tenant's last passing drill finished, epoch seconds").register(registry);
        Gauge.builder(LAST_RTO, g, x -> x.lastRtoSeconds).baseUnit("seconds").tag("tenant", tenant)
                .description("restore time of the tenant's last drill").register(registry);
        Gauge.builder(CHECKPOINT_AGE, g, x -> x.checkpointAgeSeconds).baseUnit("seconds").tag("tenant", tenant)
                .description("age of the checkpoint the last drill restored to, when it started").register(registry);
        Gauge.builder(MISMATCHED, g, x -> x.mismatchedTables).tag("tenant", tenant)
                .description("tables whose checksum differed in the tenant's last drill").register(registry);
        return g;
    }
}

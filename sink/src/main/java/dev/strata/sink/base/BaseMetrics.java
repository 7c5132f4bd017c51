package dev.strata.sink.base;

import dev.strata.sink.SinkMetrics;
import dev.strata.schemas.TenantId;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The base thread's meters, tagged with the regime: bases written, bases completed in a second region,
 * bytes folded, fold time, and per
 * tenant the age of its newest base (now minus the base's cut), which bounds how much log a restore
 * replays. Alert on the age growing past {@code strata.base.max.age.ms} plus a fold's time.
 */
public final class BaseMetrics {
    private static final String PREFIX = SinkMetrics.PREFIX;

    private final MeterRegistry registry;
    private final Tags tags;
    private final Clock clock;
    private final Counter written;
    private final Counter failures;
    private final Counter repairs;
    private final Counter bytesFolded;
    private final Timer foldTime;
    private final Map<TenantId, AtomicLong> cutMicros = new ConcurrentHashMap<>();

    public BaseMetrics(MeterRegistry registry, String regime, Clock clock) {
        this.registry = registry;
        this.tags = Tags.of("regime", regime);
        this.clock = clock;
        written = Counter.builder(PREFIX + "bases.written").description("bases stored in both regions, manifest last").tags(tags)
                .register(registry);
        failures = Counter.builder(PREFIX + "base.failures").description("folds that failed; retried at the next check").tags(tags)
                .register(registry);
        repairs = Counter.builder(PREFIX + "base.repairs")
                .description("base manifests an earlier run left in one region only, copied to the other (same bytes)").tags(tags)
                .register(registry);
        bytesFolded = Counter.builder(PREFIX + "base.bytes.folded").description("bytes read and folded into bases (segments and earlier bases)")
                .baseUnit("bytes").tags(tags).register(registry);
        foldTime = Timer.builder(PREFIX + "base.fold").description("time to make one base: list, read, fold, write, store")
                .tags(tags).register(registry);
    }

    void written(TenantId tenant, long cutCommitMicros, long foldedBytes, Duration took) {
        written.increment();
        bytesFolded.increment(foldedBytes);
        foldTime.record(took);
        newest(tenant, cutCommitMicros);
    }

    /** The tenant's newest base, written now or found in the store. */
    void newest(TenantId tenant, long cutCommitMicros) {
        cutMicros.computeIfAbsent(tenant, t -> {
            AtomicLong cut = new AtomicLong();
            Gauge.builder(PREFIX + "base.age.seconds", () -> (clock.millis() * 1000 - cut.get()) / 1e6)
                    .description("now minus the cut of the tenant's newest base").tags(tags.and("tenant", t.value())).register(registry);
            return cut;
        }).accumulateAndGet(cutCommitMicros, Math::max);
    }

    /**
     * {@code strata_sink_duplicates_removed_total{regime,tenant}}: changes a fold found twice in the store (a
     * transaction written again after a crash) and kept once; counted when the fold sees them, so an operator
     * sees them without decoding segments.
     */
    void duplicatesRemoved(TenantId tenant, long duplicates) {
        if (duplicates > 0) {
            Counter.builder(PREFIX + "duplicates.removed").description("changes a base fold found twice in the store and kept once")
                    .tags(tags.and("tenant", tenant.value())).register(registry).increment(duplicates);
        }
    }

    void repaired() {
        repairs.increment();
    }

    void failed() {
        failures.increment();
    }
}

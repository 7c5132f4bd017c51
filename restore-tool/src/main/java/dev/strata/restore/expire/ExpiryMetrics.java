package dev.strata.restore.expire;

import dev.strata.restore.store.Region;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Expiry meters, names agreed with the alert rules: {@code strata_expiry_stored_bytes{regime,tenant,region}}
 * (every version held after the run), {@code strata_expiry_expired_bytes_total{regime,tenant,region}},
 * {@code strata_expiry_held_objects{regime,tenant}} (expired by the policy, still locked),
 * {@code strata_expiry_errors_total{regime}} and {@code strata_expiry_last_success_timestamp_seconds{regime}}
 * (a run with no error; alert {@code StrataExpiryNotRunning}).
 */
public final class ExpiryMetrics {
    static final String STORED = "strata.expiry.stored.bytes";
    static final String EXPIRED = "strata.expiry.expired.bytes";
    static final String HELD = "strata.expiry.held.objects";
    static final String ERRORS = "strata.expiry.errors";
    static final String LAST_SUCCESS = "strata.expiry.last.success.timestamp";

    private final MeterRegistry registry;
    private final String regime;
    private final Map<String, AtomicLong> gauges = new ConcurrentHashMap<>();
    private volatile double lastSuccessSeconds = Double.NaN;

    public ExpiryMetrics(MeterRegistry registry, String regime) {
        this.registry = registry;
        this.regime = regime;
        Gauge.builder(LAST_SUCCESS, this, m -> m.lastSuccessSeconds).baseUnit("seconds").tag("regime", regime)
                .description("when the regime's last expiry run without error finished, epoch seconds").register(registry);
    }

    public void record(TenantExpiry expiry) {
        String tenant = expiry.plan().tenant().value();
        for (RegionExpiry region : expiry.regions().values()) {
            String label = region.region().name().toLowerCase(Locale.ROOT);
            gauge(STORED, tenant, label, "bytes of every version the region holds for the tenant").set(region.storedBytes());
            Counter.builder(EXPIRED).baseUnit("bytes").tag("regime", regime).tag("tenant", tenant).tag("region", label)
                    .description("bytes expiry deleted").register(registry).increment(region.deletedBytes());
        }
        long held = expiry.regions().getOrDefault(Region.PRIMARY, expiry.regions().values().iterator().next()).heldObjects();
        gauge(HELD, tenant, null, "objects no kept point needs whose Object Lock has not passed yet").set(held);
        if (!expiry.errors().isEmpty()) {
            Counter.builder(ERRORS).tag("regime", regime).description("deletes refused or failed").register(registry)
                    .increment(expiry.errors().size());
        }
    }

    /** The whole run went without error. */
    public void succeeded(Instant finished) {
        lastSuccessSeconds = finished.toEpochMilli() / 1000.0;
    }

    private AtomicLong gauge(String name, String tenant, String region, String description) {
        return gauges.computeIfAbsent(name + "|" + tenant + "|" + region, k -> {
            AtomicLong value = new AtomicLong();
            Gauge.Builder<AtomicLong> builder = Gauge.builder(name, value, AtomicLong::get).tag("regime", regime).tag("tenant", tenant)
                    .description(description);
            if (region != null) {
                builder.tag("region", region).baseUnit("bytes");
            }
            builder.register(registry);
            return value;
        });
    }
}

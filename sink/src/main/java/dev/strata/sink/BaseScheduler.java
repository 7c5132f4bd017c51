package dev.strata.sink;

import dev.strata.schemas.TenantId;
import dev.strata.schemas.layout.BaseCut;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides when a tenant gets a new base (see {@link BaseSettings}) and has {@link BaseFolder} make
 * it. Runs on its own thread, every {@code strata.base.check.interval.ms}: a fold takes as long as
 * it takes without ever holding up the poll or upload threads, which only add to counters here.
 *
 * <p>What it counts is the log this run made durable; after a restart the counts start again, and
 * the age rule makes sure a tenant with log after its last base still gets one.
 */
final class BaseScheduler {
    private static final Logger LOG = LoggerFactory.getLogger(BaseScheduler.class);

    /** Durable log since the tenant's last base, as far as this run knows. */
    private static final class Since {
        final AtomicLong events = new AtomicLong();
        final AtomicLong bytes = new AtomicLong();
    }

    private final BaseFolder folder;
    private final WatermarkPublisher watermarks;
    private final BaseSettings settings;
    private final BaseMetrics metrics;
    private final Clock clock;
    private final Map<TenantId, Since> since = new ConcurrentHashMap<>();
    /** Base thread only: the newest cut per tenant (Long.MIN_VALUE: none), or when this run first saw a tenant without one. */
    private final Map<TenantId, Long> newestCutMicros = new HashMap<>();
    private final Map<TenantId, Long> firstSeenMicros = new HashMap<>();

    BaseScheduler(BaseFolder folder, WatermarkPublisher watermarks, BaseSettings settings, BaseMetrics metrics, Clock clock) {
        this.folder = folder;
        this.watermarks = watermarks;
        this.settings = settings;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** A segment this run made durable in both regions (any thread). */
    void durable(ClosedSegment segment) {
        Since s = since.computeIfAbsent(segment.tenant(), t -> new Since());
        s.events.addAndGet(segment.events());
        s.bytes.addAndGet(segment.size());
    }

    /** A tenant with a watermark from an earlier run: it may have log after its last base. */
    void hint(TenantId tenant) {
        since.computeIfAbsent(tenant, t -> new Since());
    }

    /** One round: a base for every tenant past a threshold. Failures are counted, logged and retried next round. */
    void tick() {
        for (Map.Entry<TenantId, Since> e : since.entrySet()) {
            TenantId tenant = e.getKey();
            try {
                Optional<Watermark> watermark = watermarks.current(tenant);
                if (watermark.isPresent() && due(tenant, e.getValue(), watermark.get())) {
                    long events = e.getValue().events.get();
                    long bytes = e.getValue().bytes.get();
                    folder.make(tenant, watermark.get().durableCommitMicros()).ifPresent(base -> {
                        newestCutMicros.put(tenant, base.cut().cutCommitMicros());
                        e.getValue().events.addAndGet(-events);
                        e.getValue().bytes.addAndGet(-bytes);
                    });
                }
            } catch (SinkStoppingException stopping) {
                return;
            } catch (RuntimeException failure) {
                metrics.failed();
                LOG.warn("cannot make a base of tenant {} now ({}); retrying at the next check", tenant, failure.toString(), failure);
            }
        }
    }

    private boolean due(TenantId tenant, Since counted, Watermark watermark) {
        long newest = newestCutMicros.computeIfAbsent(tenant, t -> {
            Optional<BaseCut> cut = folder.newestCut(t);
            cut.ifPresent(c -> metrics.newest(t, c.cutCommitMicros()));
            return cut.map(BaseCut::cutCommitMicros).orElse(Long.MIN_VALUE);
        });
        if (watermark.durableCommitMicros() - 1 <= newest) {
            return false; // nothing durable after the newest base's cut
        }
        if (counted.events.get() >= settings.minEvents() || counted.bytes.get() >= settings.minBytes()) {
            return true;
        }
        long nowMicros = clock.millis() * 1000;
        long ageFrom = newest != Long.MIN_VALUE ? newest : firstSeenMicros.computeIfAbsent(tenant, t -> nowMicros);
        return nowMicros - ageFrom >= settings.maxAge().toNanos() / 1000;
    }
}

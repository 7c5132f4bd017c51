package dev.strata.sink.base;

import dev.strata.schemas.ops.StoppingException;
import dev.strata.schemas.watermark.Watermark;
import dev.strata.sink.ownership.Lease;
import dev.strata.sink.ownership.PartitionMovedException;
import dev.strata.sink.ownership.PartitionOwnership;
import dev.strata.sink.segment.ClosedSegment;
import dev.strata.sink.watermark.WatermarkPublisher;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.base.BaseManifest;
import dev.strata.schemas.base.BaseTable;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides when a tenant gets a new base (see {@link BaseSettings} and {@link BaseTailPolicy}) and has {@link BaseFolder} make
 * it. Runs on its own thread, every {@code strata.base.check.interval.ms}: a fold takes as long as
 * it takes without ever holding up the poll or upload threads, which only add to counters here.
 *
 * <p>What it counts is the log this run made durable; after a restart the counts start again, and
 * the age rule makes sure a tenant with log after its last base still gets one.
 *
 * <p>Only the tenants whose partition this instance owns get a base from it, each under a lease on
 * that partition ({@link PartitionOwnership}): with several sinks in the regime's group, one makes a
 * tenant's bases at a time, and a fold whose partition moves away stops at its next step.
 */
public final class BaseScheduler {
    private static final Logger LOG = LoggerFactory.getLogger(BaseScheduler.class);

    /** Durable log since the tenant's last base, as far as this run knows. */
    private static final class Since {
        final AtomicLong events = new AtomicLong();
        final AtomicLong bytes = new AtomicLong();
        /** The tenant's partition of the routed topic (the topic is keyed by tenant). */
        volatile int partition;
    }

    private final BaseFolder folder;
    private final WatermarkPublisher watermarks;
    private final BaseSettings settings;
    private final BaseTailPolicy tail;
    private final BaseMetrics metrics;
    private final Clock clock;
    private final Map<TenantId, Since> since = new ConcurrentHashMap<>();
    /** Base thread only: the newest base per tenant (NONE: it has none), or when this run first saw a tenant without one. */
    private final Map<TenantId, Newest> newest = new HashMap<>();
    private final Map<TenantId, Long> firstSeenMicros = new HashMap<>();
    private final PartitionOwnership ownership;
    /** Tenants whose newest base the base thread must read again (any thread adds, the base thread takes). */
    private final Set<TenantId> unsure = ConcurrentHashMap.newKeySet();

    /** The newest base's cut and live rows, as far as the base thread knows. */
    private record Newest(long cutMicros, long rows) {
        static final Newest NONE = new Newest(Long.MIN_VALUE, 0);

        static Newest of(BaseManifest manifest) {
            return new Newest(manifest.cut().cutCommitMicros(), manifest.tables().stream().mapToLong(BaseTable::rows).sum());
        }
    }

    public BaseScheduler(BaseFolder folder, WatermarkPublisher watermarks, BaseSettings settings, BaseTailPolicy tail, BaseMetrics metrics,
                  Clock clock, PartitionOwnership ownership) {
        this.folder = folder;
        this.ownership = ownership;
        this.watermarks = watermarks;
        this.settings = settings;
        this.tail = tail;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** A segment this run made durable in both regions (any thread). */
    public void durable(ClosedSegment segment) {
        Since s = since.computeIfAbsent(segment.tenant(), t -> new Since());
        s.partition = segment.partition();
        s.events.addAndGet(segment.events());
        s.bytes.addAndGet(segment.size());
    }

    /** A tenant with a watermark from an earlier run or another instance, on {@code partition}: it may have log after its last base. */
    public void hint(TenantId tenant, int partition) {
        since.computeIfAbsent(tenant, t -> new Since()).partition = partition;
        unsure.add(tenant); // its newest base is read again: another instance may have made one since
    }

    /** One round: a base for every tenant past a threshold. Failures are counted, logged and retried next round. */
    public void tick() {
        for (Map.Entry<TenantId, Since> e : since.entrySet()) {
            TenantId tenant = e.getKey();
            Optional<Lease> lease = ownership.lease(e.getValue().partition);
            if (lease.isEmpty()) {
                continue; // another instance owns the tenant's partition: it makes the tenant's bases
            }
            try (Lease held = lease.get()) {
                if (unsure.remove(tenant)) {
                    newest.remove(tenant);
                }
                Optional<Watermark> watermark = watermarks.current(tenant);
                if (watermark.isPresent() && due(tenant, e.getValue(), watermark.get())) {
                    long events = e.getValue().events.get();
                    long bytes = e.getValue().bytes.get();
                    folder.make(tenant, watermark.get().durableCommitMicros(), held).ifPresent(base -> {
                        newest.put(tenant, Newest.of(base));
                        e.getValue().events.addAndGet(-events);
                        e.getValue().bytes.addAndGet(-bytes);
                    });
                }
            } catch (PartitionMovedException moved) {
                LOG.info("base of tenant {} not made here: {}", tenant, moved.getMessage());
            } catch (RuntimeException failure) {
                if (failure instanceof StoppingException || failure.getCause() instanceof StoppingException) {
                    return; // the uploads' futures wrap it: stopping is not a failed base
                }
                metrics.failed();
                LOG.warn("cannot make a base of tenant {} now ({}); retrying at the next check", tenant, failure.toString(), failure);
            }
        }
    }

    private boolean due(TenantId tenant, Since counted, Watermark watermark) {
        Newest base = newest.computeIfAbsent(tenant, t -> {
            Optional<BaseManifest> manifest = folder.newest(t);
            manifest.ifPresent(m -> metrics.newest(t, m.cut().cutCommitMicros()));
            return manifest.map(Newest::of).orElse(Newest.NONE);
        });
        if (watermark.durableCommitMicros() - 1 <= base.cutMicros()) {
            return false; // nothing durable after the newest base's cut
        }
        long events = counted.events.get();
        if (events >= settings.minEvents() || counted.bytes.get() >= settings.minBytes() || tail.due(events, base.rows())) {
            return true;
        }
        long nowMicros = clock.millis() * 1000;
        long ageFrom = base != Newest.NONE ? base.cutMicros() : firstSeenMicros.computeIfAbsent(tenant, t -> nowMicros);
        return nowMicros - ageFrom >= settings.maxAge().toNanos() / 1000;
    }
}

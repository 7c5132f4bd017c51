package dev.strata.sink;

import dev.strata.schemas.regime.RegionSettings;
import dev.strata.sink.segment.RotationReason;
import dev.strata.schemas.kafka.DeadLetterReason;
import dev.strata.schemas.store.PutResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The sink's meters, all tagged with its regime. Alerts watch: {@code strata_sink_object_conflicts_total}
 * (same key, other bytes), {@code strata_sink_residency_violations_total} (an event of another
 * regime's tenant), {@code strata_sink_backup_lag_seconds} and {@code strata_sink_replication_debt_*}
 * (a region is behind), {@code strata_sink_upload_failures_total} (a region refused a put for good),
 * {@code strata_sink_failed} (the sink stopped on an error).
 */
public final class SinkMetrics {
    public static final String PREFIX = "strata.sink.";
    static final List<String> REGIONS = List.of(RegionSettings.PRIMARY, RegionSettings.BACKUP);

    private final MeterRegistry registry;
    private final Tags tags;
    private final Map<String, Counter> segments = new ConcurrentHashMap<>();
    private final Map<String, Counter> bytes = new ConcurrentHashMap<>();
    private final Map<String, Counter> alreadyPresent = new ConcurrentHashMap<>();
    private final Map<String, Timer> latency = new ConcurrentHashMap<>();
    private final Map<String, Counter> retries = new ConcurrentHashMap<>();
    private final Map<String, Counter> conflicts = new ConcurrentHashMap<>();
    private final Map<String, Counter> uploadFailures = new ConcurrentHashMap<>();
    private final Map<RotationReason, Counter> rotations = new EnumMap<>(RotationReason.class);
    private final Map<DeadLetterReason, Counter> deadLetters = new EnumMap<>(DeadLetterReason.class);
    private final Counter residencyViolations;
    private final Counter events;
    private final Counter skippedDurable;
    private final Counter manifests;
    private final Counter manifestFailures;
    private final Counter foreignObjects;
    private final Counter lateNotices;
    private final Counter watermarks;
    private final Counter durableMarks;
    private final Counter durableMarkFailures;
    private final Timer commitToDurable;
    private final AtomicLong backupLagMillis = new AtomicLong();
    private final AtomicLong debtEvents = new AtomicLong();
    private final AtomicLong debtBytes = new AtomicLong();
    private final AtomicLong pendingBytes = new AtomicLong();
    private final AtomicLong paused = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    public SinkMetrics(MeterRegistry registry, String regime) {
        this.registry = registry;
        this.tags = Tags.of("regime", regime);
        // Registered up front so that dashboards show 0, not "no data", before the first event.
        for (String region : REGIONS) {
            Tags t = tags.and("region", region);
            segments.put(region, Counter.builder(PREFIX + "segments.uploaded").description("segments stored in a region").tags(t).register(registry));
            bytes.put(region, Counter.builder(PREFIX + "bytes.uploaded").description("segment bytes stored in a region")
                    .baseUnit("bytes").tags(t).register(registry));
            alreadyPresent.put(region, Counter.builder(PREFIX + "segments.already.present")
                    .description("uploads that found the identical object already there (a retry or a restart)").tags(t).register(registry));
            latency.put(region, Timer.builder(PREFIX + "upload.latency").description("time to store one segment in a region, retries included")
                    .publishPercentileHistogram().tags(t).register(registry));
            retries.put(region, Counter.builder(PREFIX + "upload.retries").description("store operations retried").tags(t).register(registry));
            conflicts.put(region, Counter.builder(PREFIX + "object.conflicts")
                    .description("ALARM: a key already held other bytes; nothing was overwritten").tags(t).register(registry));
            uploadFailures.put(region, Counter.builder(PREFIX + "upload.failures")
                    .description("puts a region refused for good (access denied, another 4xx, an unlocked bucket): not retried")
                    .tags(t).register(registry));
        }
        for (RotationReason reason : RotationReason.values()) {
            rotations.put(reason, Counter.builder(PREFIX + "rotations").description("segments closed, by reason")
                    .tags(tags.and("reason", reason.name())).register(registry));
        }
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            deadLetters.put(reason, Counter.builder(PREFIX + "dead.letters").description("records parked in the dead-letter topic")
                    .tags(tags.and("reason", reason.name())).register(registry));
        }
        residencyViolations = Counter.builder(PREFIX + "residency.violations")
                .description("ALERT: events of a tenant placed in another regime, refused").tags(tags).register(registry);
        events = Counter.builder(PREFIX + "events").description("change events read").tags(tags).register(registry);
        skippedDurable = Counter.builder(PREFIX + "events.already.durable")
                .description("re-read events found in segments an earlier run made durable").tags(tags).register(registry);
        manifests = Counter.builder(PREFIX + "manifests.sealed").description("hour manifests sealed in both regions").tags(tags).register(registry);
        manifestFailures = Counter.builder(PREFIX + "manifest.failures").description("seal attempts that failed; retried")
                .tags(tags).register(registry);
        foreignObjects = Counter.builder(PREFIX + "foreign.objects")
                .description("ALARM: objects in a tenant's log this sink did not write (another tenant's events, unknown bytes); never sealed")
                .tags(tags).register(registry);
        lateNotices = Counter.builder(PREFIX + "late.notices")
                .description("late notices stored: segments whose changes are older than what bases may have folded (a redrive)")
                .tags(tags).register(registry);
        watermarks = Counter.builder(PREFIX + "watermarks.published").description("watermarks published").tags(tags).register(registry);
        durableMarks = Counter.builder(PREFIX + "durable.marks").description("durable marks stored in both regions").tags(tags)
                .register(registry);
        durableMarkFailures = Counter.builder(PREFIX + "durable.mark.failures")
                .description("durable marks a region refused for good; the tenant's next advance writes a newer one").tags(tags)
                .register(registry);
        commitToDurable = Timer.builder(PREFIX + "commit.to.durable")
                .description("per segment: from the commit of its oldest event to durable in both regions")
                .publishPercentileHistogram().tags(tags).register(registry);
        gauge("backup.lag.seconds", "now minus the commit time of the oldest event not yet durable in both regions; 0 when caught up",
                () -> backupLagMillis.get() / 1000.0);
        gauge("replication.debt.events", "events durable in one region only", debtEvents::get);
        gauge("replication.debt.bytes", "bytes durable in one region only", debtBytes::get);
        gauge("upload.pending.bytes", "closed segments held in memory until both regions have them", pendingBytes::get);
        gauge("paused", "1 while consumption is paused because too many bytes wait for upload", paused::get);
        gauge("failed", "1 once the sink stopped on an error it cannot retry", failed::get);
    }

    private void gauge(String name, String description, java.util.function.Supplier<Number> value) {
        Gauge.builder(PREFIX + name, value).description(description).tags(tags).register(registry);
    }

    public void stored(String region, long size, Duration took, PutResult result) {
        latency.get(region).record(took);
        if (result == PutResult.WRITTEN) {
            segments.get(region).increment();
            bytes.get(region).increment(size);
        } else {
            alreadyPresent.get(region).increment();
        }
    }

    /**
     * The two meters of whether a region answers: {@code strata_sink_region_failing} (1 from a failed store call
     * until the next one succeeds) and {@code strata_sink_region_oldest_call_seconds} (how long the oldest call still
     * in flight has waited: a hung region shows here before any call fails).
     */
    public void watch(String region, java.util.function.BooleanSupplier failing, java.util.function.DoubleSupplier oldestCallSeconds) {
        Tags t = tags.and("region", region);
        Gauge.builder(PREFIX + "region.failing", () -> failing.getAsBoolean() ? 1 : 0)
                .description("1 from a failed store call to the region (no answer, or refused) until the next call that succeeds")
                .tags(t).register(registry);
        Gauge.builder(PREFIX + "region.oldest.call.seconds", oldestCallSeconds::getAsDouble)
                .description("how long the oldest store call to the region still in flight has waited; 0 when none is").tags(t)
                .register(registry);
    }

    public void retried(String region) {
        retries.get(region).increment();
    }

    public void conflict(String region) {
        conflicts.get(region).increment();
    }

    public void uploadFailed(String region) {
        uploadFailures.get(region).increment();
    }

    void rotated(RotationReason reason) {
        rotations.get(reason).increment();
    }

    void deadLettered(DeadLetterReason reason) {
        deadLetters.get(reason).increment();
    }

    void residencyViolation() {
        residencyViolations.increment();
    }

    void read(int count) {
        events.increment(count);
    }

    void alreadyDurable() {
        skippedDurable.increment();
    }

    public void sealed() {
        manifests.increment();
    }

    public void sealFailed() {
        manifestFailures.increment();
    }

    public void foreignObject() {
        foreignObjects.increment();
    }

    public void lateNotice() {
        lateNotices.increment();
    }

    public void watermarkPublished() {
        watermarks.increment();
    }

    public void durableMarkWritten() {
        durableMarks.increment();
    }

    public void durableMarkFailed() {
        durableMarkFailures.increment();
    }

    void durable(Duration sinceOldestCommit) {
        commitToDurable.record(sinceOldestCommit.isNegative() ? Duration.ZERO : sinceOldestCommit);
    }

    void backupLag(Duration lag) {
        backupLagMillis.set(Math.max(0, lag.toMillis()));
    }

    public void debt(long deltaEvents, long deltaBytes) {
        debtEvents.addAndGet(deltaEvents);
        debtBytes.addAndGet(deltaBytes);
    }

    public void pending(long deltaBytes) {
        pendingBytes.addAndGet(deltaBytes);
    }

    void paused(boolean on) {
        paused.set(on ? 1 : 0);
    }

    void failed() {
        failed.set(1);
    }

    public long debtEvents() {
        return debtEvents.get();
    }

    public long debtBytes() {
        return debtBytes.get();
    }

    double backupLagSeconds() {
        return backupLagMillis.get() / 1000.0;
    }
}

package dev.strata.restore.testing;

import dev.strata.schemas.crypto.BodySealer;
import dev.strata.schemas.keystore.TestKeyStores;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.UtcHour;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.base.BaseManifest;
import dev.strata.schemas.event.ChangeEventCodec;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.BaseManifestKey;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.layout.SegmentKey;
import dev.strata.schemas.regime.RegionSettings;
import dev.strata.schemas.store.ListedObject;
import dev.strata.schemas.store.ObjectStore;
import dev.strata.schemas.store.failure.StoreUnavailableException;
import dev.strata.schemas.testing.MutableClock;
import dev.strata.sink.CommitTracker;
import dev.strata.sink.SinkConfig;
import dev.strata.sink.SinkMetrics;
import dev.strata.sink.SinkParts;
import dev.strata.sink.SinkTuning;
import dev.strata.sink.base.BaseFolder;
import dev.strata.sink.base.BaseMetrics;
import dev.strata.sink.base.BaseSettings;
import dev.strata.sink.manifest.ManifestSealer;
import dev.strata.sink.ownership.PartitionOwnership;
import dev.strata.sink.segment.ClosedSegment;
import dev.strata.sink.segment.EventPeek;
import dev.strata.sink.segment.EventView;
import dev.strata.sink.segment.PartitionSegmenter;
import dev.strata.sink.segment.RecoveryGuide;
import dev.strata.sink.segment.RotationPolicy;
import dev.strata.sink.segment.RotationReason;
import dev.strata.sink.store.DualRegionUploader;
import dev.strata.sink.store.RegionReader;
import dev.strata.sink.watermark.WatermarkPublisher;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A backup written by the sink's own classes, for restore's tests. Change events go in as capture
 * sends them (single-object encoding, read by the sink's {@link EventPeek}), are cut into segments
 * by {@link PartitionSegmenter} under a {@link RotationPolicy}, stored in both regions by
 * {@link DualRegionUploader}; the sink's {@link ManifestSealer} seals hours and its
 * {@link BaseFolder} makes bases. Nothing here names, encodes, seals or folds, so a change in what
 * the sink writes reaches restore's tests.
 *
 * <p>Left out is what only decides WHEN the sink writes (Kafka polls, horizons, the watermark topic,
 * the sealing and base schedules): the test says when. Kept is the commit rule and the durable
 * marks that follow it ({@link SinkCommits}): the offset moves only past segments both regions hold. Each event arrives when it
 * commits (the sink's clock moves to its commit time, never back), so age rotations fall where a
 * sink that read every change at once would cut them.
 */
public final class SinkBackup implements AutoCloseable {
    private static final String REGIME = "eu";
    /** A flush interval longer than any test's history: segments are cut by count, span or the end of a run. */
    private static final Duration NEVER = Duration.ofDays(365);

    private final RefusingStore primary;
    private final RefusingStore backup;
    private final HeldStore heldBackup;
    private final SinkCommits commits;
    private final List<Runnable> afterRelease = new ArrayList<>();
    private final MutableClock clock = new MutableClock(Instant.EPOCH);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final DualRegionUploader uploader;
    private final ManifestSealer sealer;
    private final PartitionOwnership ownership = new PartitionOwnership();
    private final BaseFolder bases;
    private final BodySealer bodies;
    private final Duration grace = SinkTuning.defaults().manifestGrace();
    private final CommitTracker tracker = new CommitTracker();
    private final ChangeEventCodec codec = new ChangeEventCodec();
    private final EventPeek peek = new EventPeek(codec);
    private final Map<Integer, Long> nextOffsets = new HashMap<>();
    private final Set<TenantId> tenants = new LinkedHashSet<>();
    private long epochs;
    private long latestCommitMicros;
    private boolean primaryDown;
    private Predicate<ClosedSegment> lost = segment -> false;

    /**
     * @param primary the primary region's bucket with the writer's view (latest versions), as the sink has it
     * @param workDir where bases are folded and staged ({@code strata.base.spill.dir})
     */
    public SinkBackup(ObjectStore primary, ObjectStore backup, Path workDir) {
        this(primary, backup, workDir, BodySealer.unsealed(TestKeyStores.inMemory()));
    }

    /**
     * @param bodies how the sink seals segment and base bodies; the 3-argument form writes them unsealed, as sinks did
     *     before sealing, which every restore still reads
     */
    public SinkBackup(ObjectStore primary, ObjectStore backup, Path workDir, BodySealer bodies) {
        this.bodies = bodies;
        this.primary = new RefusingStore(primary);
        this.backup = new RefusingStore(backup);
        SinkMetrics metrics = new SinkMetrics(registry, REGIME);
        this.heldBackup = new HeldStore(this.backup);
        DualRegionUploader.Region primaryRegion = new DualRegionUploader.Region(RegionSettings.PRIMARY, this.primary);
        DualRegionUploader.Region backupRegion = new DualRegionUploader.Region(RegionSettings.BACKUP, heldBackup);
        this.uploader = new DualRegionUploader(primaryRegion, backupRegion, 2, metrics, clock);
        this.commits = new SinkCommits(tracker, primaryRegion, backupRegion, REGIME, metrics, clock);
        RegionReader reader = new RegionReader(this.primary, this.backup);
        // the sealer announces each new chain head in a watermark; restore's tests publish the watermarks they need themselves
        WatermarkPublisher watermarks = new WatermarkPublisher(
                new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer()), REGIME, clock, metrics);
        // one sink instance: it owns partition 0 from the start (bases are folded under its lease) and each partition it is fed
        ownership.acquired(List.of(0));
        this.sealer = new ManifestSealer(reader, uploader, watermarks, metrics, clock, grace, ownership, bodies);
        // only the span, memory and spill directory matter to a fold; the rest is the scheduler's, which the test replaces
        BaseSettings settings = new BaseSettings(SinkConfig.BASE_MIN_EVENTS_DEFAULT, SinkConfig.BASE_MIN_BYTES_DEFAULT,
                Duration.ofMillis(SinkConfig.BASE_MAX_AGE_MS_DEFAULT), Duration.ofMillis(SinkConfig.BASE_CHECK_INTERVAL_MS_DEFAULT),
                BackupLayout.MAX_SEGMENT_COMMIT_SPAN, SinkConfig.BASE_MEMORY_BYTES_DEFAULT, workDir);
        this.bases = new BaseFolder(reader, uploader, bodies, settings, new BaseMetrics(registry, REGIME, clock), clock);
    }

    /** A sink with {@code strata.segment.max.records=n} and a flush interval longer than the test: segments of n events. */
    public static RotationPolicy everyNEvents(long n) {
        return new RotationPolicy(SinkTuning.defaults().segmentMaxBytes(), n, NEVER, BackupLayout.MAX_SEGMENT_COMMIT_SPAN);
    }

    /** A sink with {@code strata.flush.interval.ms} = {@code age} and the other defaults. */
    public static RotationPolicy flushEvery(Duration age) {
        SinkTuning defaults = SinkTuning.defaults();
        return new RotationPolicy(defaults.segmentMaxBytes(), defaults.segmentMaxRecords(), age, BackupLayout.MAX_SEGMENT_COMMIT_SPAN);
    }

    /** One run of the sink over partition 0 holding {@code events}; the keys of the segments stored, in the order they were cut. */
    public List<ObjectKey> write(List<ChangeEvent> events, RotationPolicy policy) {
        return write(0, events, policy);
    }

    public List<ObjectKey> write(int partition, List<ChangeEvent> events, RotationPolicy policy) {
        Feed feed = feed(partition, policy);
        events.forEach(feed::append);
        return feed.end();
    }

    /** A run of the sink over {@code partition} that is fed one event at a time (a log too large for a list). */
    public Feed feed(int partition, RotationPolicy policy) {
        return new Feed(partition, policy);
    }

    /** While set, the primary region refuses every write: the sink's uploads reach the backup only, and nothing is durable. */
    public void primaryDown(boolean down) {
        primaryDown = down;
        primary.refuse(key -> down);
    }

    /** A sink older than durable marks: from now on it writes none. */
    public void withoutMarks() {
        commits.stopWritingMarks();
    }

    /**
     * The backup region delays the puts of these segments until {@link #releaseHeld}: they land after
     * the segments cut later, as concurrent uploads may. Until then they are durable in one region only.
     */
    public void holdInBackup(Predicate<ObjectKey> segments) {
        heldBackup.hold(segments);
    }

    /** Lets the held puts through and handles them as the sink does once both regions hold them (commit, marks). */
    public void releaseHeld() {
        heldBackup.release();
        afterRelease.forEach(Runnable::run);
        afterRelease.clear();
    }

    /**
     * A durable mark at {@code pointMicros} for an idle tenant, as the sink's tracker gives once
     * heartbeats advance it (no change, hence no segment, since its last one).
     */
    public void idleUntil(TenantId tenant, long pointMicros) {
        commits.advanceIdle(tenant, pointMicros, 0);
    }

    /**
     * Segments missing from both regions although the sink cut them: a backup that lost them after
     * they were durable (the offsets were committed and the durable marks written past them) and
     * before their hour was sealed.
     */
    public void lose(Predicate<ClosedSegment> segments) {
        lost = segments;
    }

    /**
     * Has the sink's sealer seal what is due once the grace period after every hour before
     * {@code openHour} is over (empty: after the latest commit's hour); {@code openHour} stays unsealed.
     *
     * @return the new manifests' keys, in key order
     */
    public List<ObjectKey> seal(Optional<UtcHour> openHour) {
        UtcHour open = openHour.orElseGet(() -> UtcHour.containing(latestCommitMicros).next());
        if (!clock.instant().isBefore(open.next().start().plus(grace))) {
            throw new IllegalStateException("the sink's clock is at " + clock.instant() + ": hour " + open + " would be sealed too");
        }
        clock.advanceTo(open.start().plus(grace));
        Set<ObjectKey> before = manifests();
        double failures = sealFailures();
        sealer.tick();
        if (sealFailures() > failures) {
            throw new IllegalStateException("the sink's sealer failed to seal a manifest (its log says why)");
        }
        Set<ObjectKey> sealed = new TreeSet<>(manifests());
        sealed.removeAll(before);
        return List.copyOf(sealed);
    }

    /** The base the sink's fold makes of the tenant once its watermark says {@code durableCommitMicros}: cut one microsecond before. */
    public BaseManifest base(TenantId tenant, long durableCommitMicros) {
        return bases.make(tenant, durableCommitMicros, ownership.lease(0).orElseThrow()).orElseThrow(() -> new IllegalStateException(
                "the sink made no base of " + tenant + ": no log after its newest base up to " + durableCommitMicros));
    }

    /**
     * As {@link #base}, made at {@code now} by the sink's clock (a base records the time from which its readers list
     * late notices; a sink that wrote nothing itself would otherwise be at the epoch).
     */
    public BaseManifest base(TenantId tenant, long durableCommitMicros, Instant now) {
        clock.advanceTo(now);
        return base(tenant, durableCommitMicros);
    }

    /** As {@link #base}, but the fold is killed before its last write: its table objects are stored, its base.manifest is not. */
    public void baseKilledBeforeManifest(TenantId tenant, long durableCommitMicros) {
        primary.refuse(SinkBackup::isBaseManifest);
        backup.refuse(SinkBackup::isBaseManifest);
        try {
            bases.make(tenant, durableCommitMicros, ownership.lease(0).orElseThrow());
            throw new IllegalStateException("the fold of " + tenant + " stored its base.manifest although both regions refused it");
        } catch (CompletionException killed) {
            if (!(killed.getCause() instanceof StoreUnavailableException)) {
                throw killed;
            }
        } finally {
            // The fold hears of the first region's refusal while the other region's put may still run: lifting that
            // region's refusal before its put ends would let the base.manifest through after all.
            if (!uploader.settled(Duration.ofSeconds(30))) {
                throw new IllegalStateException("the base.manifest puts of " + tenant + " did not end within 30 s");
            }
            primary.refuse(key -> primaryDown);
            backup.refuse(key -> false);
        }
    }

    @Override
    public void close() {
        heldBackup.release();
        uploader.close();
        commits.close();
    }

    private static boolean isBaseManifest(ObjectKey key) {
        return BackupLayout.parse(key) instanceof BaseManifestKey;
    }

    private Set<ObjectKey> manifests() {
        Set<ObjectKey> keys = new TreeSet<>();
        for (TenantId tenant : tenants) {
            primary.listAll(BackupLayout.manifestsPrefix(tenant), Optional.empty()).map(ListedObject::key).forEach(keys::add);
        }
        return keys;
    }

    /** The sink's count of objects in a tenant's log that its sealer did not write and left out. */
    public double foreignObjects() {
        return registry.get(SinkMetrics.PREFIX + "foreign.objects").counter().count();
    }

    /** The sink's count of changes its base folds found twice in the store, for one tenant (0 before any). */
    public double duplicatesRemoved(TenantId tenant) {
        var counter = registry.find(SinkMetrics.PREFIX + "duplicates.removed").tag("tenant", tenant.value()).counter();
        return counter == null ? 0 : counter.count();
    }

    private double sealFailures() {
        return registry.get(SinkMetrics.PREFIX + "manifest.failures").counter().count();
    }

    /** One assignment of a partition to the sink: resumes at the partition's next offset, ends with a clean shutdown. */
    public final class Feed {
        private final int partition;
        private final PartitionSegmenter segmenter;
        private final List<ObjectKey> stored = new ArrayList<>();
        private final Map<TenantId, Long> lastCut = new HashMap<>();
        private long next;

        private Feed(int partition, RotationPolicy policy) {
            this.partition = partition;
            ownership.acquired(List.of(partition));
            this.next = nextOffsets.getOrDefault(partition, 0L);
            tracker.assigned(partition, next);
            this.segmenter = new PartitionSegmenter(partition, ++epochs, policy, SinkParts.ZSTD_LEVEL, tracker, RecoveryGuide.NONE,
                    new PartitionSegmenter.Output() {
                        @Override
                        public void closed(ClosedSegment segment) {
                            store(segment.sealedWith(bodies));
                        }

                        @Override
                        public void alreadyDurable(TenantId tenant, long offset, EventView event, SegmentKey in) {
                            throw new IllegalStateException("no recovery in a test run: offset " + offset + " cannot be durable already");
                        }
                    });
        }

        /** The next record of the partition: the event as capture's producer encodes it, read as the sink reads it. */
        public void append(ChangeEvent event) {
            clock.advanceTo(Instant.EPOCH.plus(event.getCommitTsMicros(), ChronoUnit.MICROS));
            Instant now = clock.instant();
            // as after a poll that returned nothing until this record arrived: what fell due by age is closed first
            tracker.advanceTo(partition, next);
            segmenter.rotateDue(now, next);
            EventView view = peek.peek(codec.encode(event));
            TenantId tenant = TenantId.of(view.tenant());
            tenants.add(tenant);
            latestCommitMicros = Math.max(latestCommitMicros, view.cutMicros());
            commits.read(partition, tenant, next, view.cutMicros());
            lastCut.put(tenant, view.cutMicros());
            segmenter.append(next++, tenant, view, now);
        }

        /** A clean shutdown: every open segment is closed and stored. The keys of this run's segments, in the order they were cut. */
        public List<ObjectKey> end() {
            // capture's heartbeat after the run's last change of each tenant (one offset each, nothing to store): it shows
            // that change's transaction whole, as heartbeats do while a real sink runs
            lastCut.forEach((tenant, cut) -> commits.heartbeat(partition, tenant, next++, cut + 1));
            tracker.advanceTo(partition, next);
            segmenter.closeAll(RotationReason.SHUTDOWN, clock.instant());
            nextOffsets.put(partition, next);
            commits.commit(partition);
            Runnable shutdown = () -> {
                sealer.committed(partition, next); // as the sink commits at shutdown: the sealer vouches only for committed offsets
                tracker.revoked(partition);
            };
            if (afterRelease.isEmpty()) {
                shutdown.run();
            } else {
                afterRelease.add(shutdown); // the sink's shutdown waits for its held uploads
            }
            return List.copyOf(stored);
        }

        /** As the sink's upload threads do, but one at a time: the run's order is the order of the keys returned. */
        private void store(ClosedSegment segment) {
            if (lost.test(segment)) {
                commits.durable(segment); // it was durable (the commit and the marks went on), then lost before its hour was sealed
                return;
            }
            CompletableFuture<Void> upload = uploader.upload(segment.key(), segment.bytes(), segment.sha256(), segment.events());
            if (heldBackup.holds(segment.key())) {
                stored.add(segment.key()); // in the primary only, until the test releases the backup's put
                afterRelease.add(() -> {
                    upload.join();
                    sealer.durable(segment);
                    commits.durable(segment);
                });
                return;
            }
            try {
                upload.join();
            } catch (CompletionException failed) {
                if (!primaryDown || !(failed.getCause() instanceof StoreUnavailableException)) {
                    throw failed;
                }
                // the upload failed when the primary refused; the backup's put may still be under way
                if (!uploader.settled(Duration.ofSeconds(30))) {
                    throw new IllegalStateException("the backup's put of " + segment.key() + " did not end within 30 s");
                }
                stored.add(segment.key()); // in the backup only: not durable, so no manifest names it
                return;
            }
            sealer.durable(segment);
            commits.durable(segment);
            stored.add(segment.key());
        }
    }
}

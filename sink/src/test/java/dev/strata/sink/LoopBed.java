package dev.strata.sink;

import dev.strata.sink.ownership.PartitionOwnership;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.watermark.Watermark;
import java.util.Collection;
import java.util.HashMap;
import java.util.concurrent.ConcurrentHashMap;
import dev.strata.schemas.crypto.BodySealer;
import dev.strata.schemas.keystore.TestKeyStores;
import dev.strata.schemas.store.retry.Backoff;
import dev.strata.schemas.store.retry.RetryingObjectStore;
import dev.strata.schemas.testing.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.schemas.TestEvents;
import dev.strata.schemas.event.ChangeEventCodec;
import dev.strata.schemas.kafka.Topics;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.ops.StopSignal;
import dev.strata.schemas.regime.RegionSettings;
import dev.strata.schemas.store.retry.Backoff;
import dev.strata.schemas.store.InMemoryBucket;
import dev.strata.schemas.store.ListedObject;
import dev.strata.schemas.store.ObjectStore;
import dev.strata.schemas.store.retry.RetryingObjectStore;
import dev.strata.schemas.store.VersionPolicy;
import dev.strata.sink.base.BaseFolder;
import dev.strata.sink.base.BaseMetrics;
import dev.strata.sink.base.BaseScheduler;
import dev.strata.sink.base.BaseSettings;
import dev.strata.sink.base.BaseTailPolicy;
import dev.strata.sink.manifest.ManifestSealer;
import dev.strata.sink.residency.DeadLetterPublisher;
import dev.strata.sink.residency.ResidencyGuard;
import dev.strata.sink.segment.SegmentCatalog;
import dev.strata.sink.store.DualRegionUploader;
import dev.strata.sink.store.RegionReader;
import dev.strata.sink.watermark.DurableMarkWriter;
import dev.strata.sink.watermark.WatermarkPublisher;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * The poll loop ({@link SinkLoop}) on a MockConsumer over two in-memory regions, set up as in
 * {@link SinkLoopStopTest}. The buckets, the clock and the {@link Journal} belong to the bed; the
 * rest to a {@link Run}, one per sink process, so that a run can crash and the next one start over
 * what it left. Each region is reached as the sink reaches it: a retrying store over the test's
 * fault (if any) over the bucket; the catalog lists the buckets directly.
 */
final class LoopBed implements AutoCloseable {
    static final String TOPIC = Topics.routed("eu");
    static final TopicPartition TP = new TopicPartition(TOPIC, 0);
    static final TopicPartition TP1 = new TopicPartition(TOPIC, 1);
    static final long COMMIT_MICROS = Instant.parse("2026-11-21T10:05:00Z").getEpochSecond() * 1_000_000L;
    /** A segment closes once it is this old (strata.flush.interval.ms); the clock moves only when a test moves it. */
    static final Duration FLUSH = Duration.ofSeconds(1);
    private static final Backoff BACKOFF = new Backoff(Duration.ofMillis(5), Duration.ofMillis(20));
    private static final Duration WAIT = Duration.ofSeconds(10);

    final InMemoryBucket primaryBucket = new InMemoryBucket();
    final InMemoryBucket backupBucket = new InMemoryBucket();
    /** One key store for every run: a restarted sink must seal a retried segment to the same bytes. */
    final BodySealer bodies = TestKeyStores.sealing();
    final MutableClock clock = new MutableClock(Instant.parse("2026-11-21T10:30:00Z"));
    final Journal journal = new Journal();
    private final Path spill;
    private final List<Run> runs = new ArrayList<>();
    private final List<Runnable> atClose = new ArrayList<>();

    LoopBed(Path spill) {
        this.spill = spill;
    }

    /** A region as the bucket alone. */
    static UnaryOperator<ObjectStore> healthy() {
        return store -> store;
    }

    /** Starts a sink whose regions put through {@code primary} and {@code backup} (faults wrapped around the bucket). */
    Run start(UnaryOperator<ObjectStore> primary, UnaryOperator<ObjectStore> backup) {
        return start(primary, backup, Duration.ofSeconds(10));
    }

    Run start(UnaryOperator<ObjectStore> primary, UnaryOperator<ObjectStore> backup, Duration revocationTimeout) {
        Run run = new Run(primary, backup, revocationTimeout, runs.size() + 1);
        runs.add(run);
        return run;
    }

    /** Done before the runs are closed, e.g. letting held puts go. */
    void atClose(Runnable action) {
        atClose.add(action);
    }

    @Override
    public void close() {
        atClose.forEach(Runnable::run);
        runs.forEach(Run::close);
    }

    /** One sink process: its consumer, producer, uploader, metrics and poll thread. */
    final class Run {
        final StopSignal shutdown = new StopSignal();
        final StopSignal abort = new StopSignal();
        final SimpleMeterRegistry registry = new SimpleMeterRegistry();
        final SinkMetrics metrics = new SinkMetrics(registry, "eu");
        final RecordingConsumer consumer = new RecordingConsumer(journal);
        final JournalingProducer producer = new JournalingProducer(journal);
        final DualRegionUploader uploader;
        final SinkLoop loop;
        private final AtomicReference<RuntimeException> ended = new AtomicReference<>();
        private final Thread thread;
        /** What this bed's sink owns now: the tenant work (seals, bases) it may do. */
        final PartitionOwnership ownership = new PartitionOwnership();
        /** The watermarks topic as another instance left it: read when partitions are assigned. */
        final Map<TenantId, Watermark> published = new ConcurrentHashMap<>();
        final WatermarkPublisher watermarks;

        private Run(UnaryOperator<ObjectStore> primaryFault, UnaryOperator<ObjectStore> backupFault, Duration revocationTimeout, int n) {
            ObjectStore primary = primaryBucket.store(VersionPolicy.LATEST_VERSION);
            ObjectStore backup = backupBucket.store(VersionPolicy.LATEST_VERSION);
            uploader = new DualRegionUploader(region(RegionSettings.PRIMARY, primaryFault, primary), region(RegionSettings.BACKUP, backupFault,
                    backup), 2, metrics, clock);
            WatermarkPublisher watermarks = new WatermarkPublisher(producer, "eu", clock, metrics);
            this.watermarks = watermarks;
            RegionReader reader = new RegionReader(primary, backup);
            BaseSettings baseSettings = new BaseSettings(1_000_000, 1L << 30, Duration.ofDays(1), Duration.ofMinutes(5),
                    BackupLayout.MAX_SEGMENT_COMMIT_SPAN, 64L << 20, spill);
            BaseMetrics baseMetrics = new BaseMetrics(registry, "eu", clock);
            BaseScheduler bases = new BaseScheduler(new BaseFolder(reader, uploader, bodies, baseSettings, baseMetrics, clock), watermarks,
                    baseSettings, new BaseTailPolicy(20, 100_000), baseMetrics, clock, ownership);
            SinkTuning tuning = new SinkTuning(FLUSH, 8 << 20, 100_000, 2, 256L << 20, BACKOFF.delay(1), Duration.ofMillis(20),
                    Duration.ofMinutes(10), Duration.ofMinutes(1), Duration.ofHours(1), revocationTimeout);
            SegmentCatalog catalog = new SegmentCatalog(new JournaledStore(primary, RegionSettings.PRIMARY, journal),
                    new JournaledStore(backup, RegionSettings.BACKUP, journal));
            SinkParts parts = new SinkParts("eu", TOPIC, tuning, clock, metrics, new ResidencyGuard("eu", tenant -> Optional.empty()), tenant -> false,
                    new DeadLetterPublisher(producer, clock), uploader, new ManifestSealer(reader, uploader, watermarks, metrics, clock,
                    tuning.manifestGrace(), ownership, bodies), watermarks, new DurableMarkWriter(uploader, "eu", Duration.ofMillis(SinkConfig.DURABLE_MARK_INTERVAL_MS_DEFAULT), clock, metrics),
                    catalog, bases, ownership, partitions -> LoopBed.on(published, partitions), bodies);
            loop = new SinkLoop(parts, consumer);
            thread = new Thread(() -> {
                try {
                    loop.run(shutdown);
                } catch (RuntimeException e) {
                    ended.set(e);
                }
            }, "test-poll-" + n);
            thread.start();
        }

        private DualRegionUploader.Region region(String name, UnaryOperator<ObjectStore> fault, ObjectStore bucket) {
            return new DualRegionUploader.Region(name, new RetryingObjectStore(fault.apply(new JournaledStore(bucket, name, journal)),
                    BACKOFF, 0, abort, e -> metrics.retried(name)));
        }

        /**
         * On the next poll: {@link #TP} is assigned (after restoring what an earlier run committed, if
         * anything: the mock forgets commits at subscribe), then {@code records} are read. Returns once
         * the poll thread has handled them.
         */
        void assign(Optional<RecordingConsumer.Commit> earlier, List<ConsumerRecord<byte[], byte[]>> records) {
            consumer.schedulePollTask(() -> {
                consumer.updateBeginningOffsets(Map.of(TP, 0L));
                earlier.ifPresent(consumer::restore);
                consumer.rebalance(List.of(TP));
                records.forEach(consumer::addRecord);
            });
            awaitRound();
        }

        /** On the next poll {@code records} are read; returns once the poll thread has handled them. */
        void read(List<ConsumerRecord<byte[], byte[]>> records) {
            consumer.schedulePollTask(() -> records.forEach(consumer::addRecord));
            awaitRound();
        }

        /** The clock moves on at the next poll, so that the round after it closes what is due; returns after that round. */
        void advance(Duration by) {
            consumer.schedulePollTask(() -> clock.advance(by));
            awaitRound();
        }

        /** Runs {@code task} on the poll thread at its next poll (as a rebalance happens) and returns once it is done. */
        void onPollThread(Runnable task) {
            consumer.schedulePollTask(task);
            awaitRound();
        }

        /**
         * Returns once the poll thread has started a poll after this call and finished the round before
         * it: poll tasks run one per poll, in order, so a later task runs after what earlier ones began.
         */
        void awaitRound() {
            CountDownLatch polled = new CountDownLatch(1);
            consumer.schedulePollTask(polled::countDown);
            try {
                assertThat(polled.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the poll thread polled again").isTrue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }

        /** The process dies at its next poll: no stop, no drain, no commit; its uploads die with it (the abort ends their retries). */
        void crash() {
            consumer.crashAtNextPoll();
            assertThat(awaitEnd()).isInstanceOf(RecordingConsumer.Crash.class);
            abort.stop();
        }

        /** Waits for the poll thread to end and returns what it threw (null after a graceful stop). */
        RuntimeException awaitEnd() {
            try {
                thread.join(WAIT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            assertThat(thread.isAlive()).as("the poll thread ended").isFalse();
            return ended.get();
        }

        boolean running() {
            return thread.isAlive();
        }

        long committed() {
            return consumer.committed(TP);
        }

        Optional<RecordingConsumer.Commit> lastCommit() {
            return consumer.lastCommit(TP);
        }

        double count(String meter, String... tags) {
            return registry.get(SinkMetrics.PREFIX + meter).tags(tags).counter().count();
        }

        private void close() {
            abort.stop();
            shutdown.stop();
            try {
                thread.join(WAIT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            uploader.close();
        }
    }

    /** A change of {@code tenant} at {@code offset} of {@link #TP}, committed at {@code COMMIT_MICROS + offset}. */
    static ConsumerRecord<byte[], byte[]> change(String tenant, long offset) {
        return new ConsumerRecord<>(TOPIC, TP.partition(), offset, tenant.getBytes(StandardCharsets.UTF_8),
                new ChangeEventCodec().encode(TestEvents.update(tenant, 10_000 + offset, COMMIT_MICROS + offset)));
    }

    /** A heartbeat of {@code tenant} at {@code offset} of {@link #TP}, whose message committed at {@code commitMicros}. */
    static ConsumerRecord<byte[], byte[]> heartbeat(String tenant, long offset, long commitMicros) {
        return new ConsumerRecord<>(TOPIC, TP.partition(), offset, tenant.getBytes(StandardCharsets.UTF_8),
                new ChangeEventCodec().encode(TestEvents.heartbeat(tenant, 20_000 + offset, commitMicros)));
    }

    /** Changes of one tenant at offsets {@code first..last}. */
    static List<ConsumerRecord<byte[], byte[]>> changes(String tenant, long first, long last) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (long offset = first; offset <= last; offset++) {
            records.add(change(tenant, offset));
        }
        return records;
    }

    /** The segments a region holds, as "acme 0..9", in key order. */
    static List<String> segments(InMemoryBucket bucket) {
        return bucket.store(VersionPolicy.FIRST_VERSION).listAll(BackupLayout.allTenantsPrefix(), Optional.empty())
                .map(ListedObject::key).filter(k -> k.value().endsWith(".seg")).map(JournaledStore::range).toList();
    }

    /** Asserts that both regions hold the same segments, each as one version with the same bytes; returns how many. */
    int assertIdenticalInBothRegions() {
        ObjectStore primary = primaryBucket.store(VersionPolicy.FIRST_VERSION);
        ObjectStore backup = backupBucket.store(VersionPolicy.FIRST_VERSION);
        Set<ObjectKey> keys = new HashSet<>();
        primary.listAll(BackupLayout.allTenantsPrefix(), Optional.empty()).map(ListedObject::key).forEach(keys::add);
        backup.listAll(BackupLayout.allTenantsPrefix(), Optional.empty()).map(ListedObject::key).forEach(keys::add);
        keys.removeIf(k -> !k.value().endsWith(".seg"));
        for (ObjectKey key : keys) {
            assertThat(primary.versions(key)).as("versions of %s in the primary", key).hasSize(1);
            assertThat(backup.versions(key)).as("versions of %s in the backup", key).hasSize(1);
            assertThat(backup.get(key).orElseThrow().bytes()).as("%s in both regions", key).isEqualTo(primary.get(key).orElseThrow().bytes());
        }
        return keys.size();
    }

    /** Waits (in steps of 10 ms, up to 10 s) until {@code condition} holds, then asserts it. */
    void await(String what, BooleanSupplier condition) {
        StopSignal never = new StopSignal(); // only its timed wait is used
        for (int i = 0; i < 1000 && !condition.getAsBoolean(); i++) {
            never.awaitStop(Duration.ofMillis(10));
        }
        assertThat(condition.getAsBoolean()).as(what + " within 10 s; journal:\n" + journal).isTrue();
    }

    /** The watermarks of {@code published} whose last advance came from one of {@code partitions}, as the topic reader filters them. */
    static Map<TenantId, Watermark> on(Map<TenantId, Watermark> published, Collection<Integer> partitions) {
        Map<TenantId, Watermark> on = new HashMap<>(published);
        on.values().removeIf(w -> !partitions.contains(w.partition()));
        return on;
    }
}

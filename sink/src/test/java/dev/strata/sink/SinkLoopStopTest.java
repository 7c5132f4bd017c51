package dev.strata.sink;

import dev.strata.sink.ownership.PartitionOwnership;
import dev.strata.schemas.crypto.BodySealer;
import dev.strata.schemas.keystore.TestKeyStores;
import dev.strata.schemas.testing.MutableClock;
import dev.strata.sink.watermark.DurableMarkWriter;
import dev.strata.sink.watermark.WatermarkPublisher;
import dev.strata.sink.residency.DeadLetterPublisher;
import dev.strata.sink.base.BaseScheduler;
import dev.strata.sink.manifest.ManifestSealer;
import dev.strata.schemas.store.retry.RetryingObjectStore;
import dev.strata.sink.store.DualRegionUploader;
import dev.strata.schemas.watermark.WatermarkCodec;
import dev.strata.sink.base.BaseFolder;
import dev.strata.sink.base.BaseSettings;
import dev.strata.schemas.store.retry.Backoff;
import dev.strata.sink.segment.SegmentCatalog;
import dev.strata.sink.residency.ResidencyGuard;
import dev.strata.sink.store.RegionReader;
import dev.strata.schemas.regime.RegionSettings;
import dev.strata.sink.base.BaseMetrics;
import dev.strata.sink.base.BaseTailPolicy;
import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.schemas.TestEvents;
import dev.strata.schemas.event.ChangeEventCodec;
import dev.strata.schemas.kafka.Topics;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.ops.StopSignal;
import dev.strata.schemas.store.InMemoryBucket;
import dev.strata.schemas.store.ListedObject;
import dev.strata.schemas.store.ObjectStore;
import dev.strata.schemas.store.VersionPolicy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The poll thread's end, on a MockConsumer and in-memory regions: what it commits, and when it refuses to go on. */
class SinkLoopStopTest {
    private static final String TOPIC = Topics.routed("eu");
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);
    private static final long COMMIT_MICROS = Instant.parse("2026-11-21T10:05:00Z").getEpochSecond() * 1_000_000L;
    private static final Backoff BACKOFF = new Backoff(Duration.ofMillis(5), Duration.ofMillis(20));

    @TempDir
    Path spill;
    private final InMemoryBucket primaryBucket = new InMemoryBucket();
    private final InMemoryBucket backupBucket = new InMemoryBucket();
    private final ObjectStore primary = primaryBucket.store(VersionPolicy.LATEST_VERSION);
    private final ObjectStore backup = backupBucket.store(VersionPolicy.LATEST_VERSION);
    private final StopSignal shutdown = new StopSignal();
    private final StopSignal abort = new StopSignal();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-21T10:30:00Z"));
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final SinkMetrics metrics = new SinkMetrics(registry, "eu");
    private final MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    private DualRegionUploader uploader;

    @AfterEach
    void close() {
        abort.stop();
        shutdown.stop();
        if (uploader != null) {
            uploader.close();
        }
    }

    private SinkLoop loop(ObjectStore backupRegion, SegmentCatalog catalog) {
        uploader = new DualRegionUploader(
                new DualRegionUploader.Region(RegionSettings.PRIMARY, new RetryingObjectStore(primary, BACKOFF, 0, abort, e -> { })),
                new DualRegionUploader.Region(RegionSettings.BACKUP, backupRegion), 2, metrics, clock);
        WatermarkPublisher watermarks = new WatermarkPublisher(producer, "eu", clock, metrics);
        PartitionOwnership ownership = new PartitionOwnership();
        RegionReader reader = new RegionReader(primary, backup);
        BodySealer bodies = TestKeyStores.sealing();
        BaseSettings baseSettings = new BaseSettings(1_000_000, 1L << 30, Duration.ofDays(1), Duration.ofMinutes(5),
                BackupLayout.MAX_SEGMENT_COMMIT_SPAN, 64L << 20, spill);
        BaseMetrics baseMetrics = new BaseMetrics(registry, "eu", clock);
        BaseScheduler bases = new BaseScheduler(new BaseFolder(reader, uploader, bodies, baseSettings, baseMetrics, clock), watermarks,
                baseSettings, new BaseTailPolicy(20, 100_000), baseMetrics, clock, ownership);
        SinkTuning tuning = new SinkTuning(Duration.ofMinutes(5), 8 << 20, 100_000, 2, 256L << 20, BACKOFF.delay(1), Duration.ofMillis(20),
                Duration.ofMinutes(10), Duration.ofMinutes(1), Duration.ofHours(1), Duration.ofSeconds(10));
        SinkParts parts = new SinkParts("eu", TOPIC, tuning, clock, metrics, new ResidencyGuard("eu", tenant -> Optional.empty()), tenant -> false,
                new DeadLetterPublisher(producer, clock), uploader, new ManifestSealer(reader, uploader, watermarks, metrics, clock,
                tuning.manifestGrace(), ownership, bodies), watermarks, new DurableMarkWriter(uploader, "eu", Duration.ofMillis(SinkConfig.DURABLE_MARK_INTERVAL_MS_DEFAULT), clock, metrics),
                    catalog, bases, ownership, partitions -> Map.of(), bodies);
        return new SinkLoop(parts, consumer);
    }

    /** On the first poll: partition 0 is assigned (after {@code earlierCommit}, if any), with ten changes of acme at offsets 0..9. */
    private void tenChangesOfAcme(Optional<OffsetAndMetadata> earlierCommit) {
        consumer.updateBeginningOffsets(Map.of(TP, 0L));
        consumer.schedulePollTask(() -> {
            earlierCommit.ifPresent(c -> consumer.commitSync(Map.of(TP, c))); // not before: the mock's subscribe forgets commits
            consumer.rebalance(List.of(TP));
            ChangeEventCodec codec = new ChangeEventCodec();
            for (long offset = 0; offset < 10; offset++) {
                consumer.addRecord(new ConsumerRecord<>(TOPIC, 0, offset, "acme".getBytes(StandardCharsets.UTF_8),
                        codec.encode(TestEvents.update("acme", 10_000 + offset, COMMIT_MICROS + offset))));
            }
        });
    }

    private Thread running(SinkLoop loop, AtomicReference<RuntimeException> ended) {
        Thread poll = new Thread(() -> {
            try {
                loop.run(shutdown);
            } catch (RuntimeException e) {
                ended.set(e);
            }
        }, "test-poll");
        poll.start();
        return poll;
    }

    private long committed() {
        OffsetAndMetadata committed = consumer.committed(java.util.Set.of(TP)).get(TP);
        return committed == null ? -1 : committed.offset();
    }

    @Test
    void aStopWaitsForTheBackupAndCommitsTheSegmentOnlyOnceBothRegionsHoldIt() throws Exception {
        AtomicBoolean backupMayWrite = new AtomicBoolean();
        GatedStore backupRegion = new GatedStore(new RetryingObjectStore(backup, BACKOFF, 0, abort, e -> { }),
                key -> key.value().endsWith(".seg"), backupMayWrite::get);
        SinkLoop loop = loop(backupRegion, new SegmentCatalog(primary, backup));
        tenChangesOfAcme(Optional.empty());
        AtomicReference<RuntimeException> ended = new AtomicReference<>();
        Thread poll = running(loop, ended);
        await(() -> consumer.assignment().contains(TP) && consumer.position(TP) == 10); // read; its segment still open (flush 5 min)

        shutdown.stop(); // SinkService.close: the segment closes (SHUTDOWN) and is uploaded
        assertThat(backupRegion.entered.await(10, TimeUnit.SECONDS)).as("the segment's put reached the backup").isTrue();
        await(() -> !segments(primary).isEmpty()); // the primary's put runs meanwhile, on its own thread
        ObjectKey segment = segments(primary).get(0);
        assertThat(committed()).as("the horizon is recorded, the offset not moved: the backup does not hold it yet").isZero();
        assertThat(consumer.committed(java.util.Set.of(TP)).get(TP).metadata()).isEqualTo(CommitMetadata.format(9));

        backupMayWrite.set(true);
        poll.join(TimeUnit.SECONDS.toMillis(10));

        assertThat(poll.isAlive()).isFalse();
        assertThat(ended.get()).isNull();
        assertThat(segments(backup)).containsExactly(segment);
        assertThat(committed()).as("committed once both regions hold it").isEqualTo(10);
        assertThat(producer.history()).as("and then its watermark").anySatisfy(record -> {
            assertThat(record.topic()).isEqualTo(Topics.WATERMARKS);
            assertThat(WatermarkCodec.decode(record.value()).durableCommitMicros()).isEqualTo(COMMIT_MICROS + 8); // the last change is not proven whole
        });
    }

    @Test
    void stopsWithAClearErrorWhenRecoveryCanListNeitherRegion() throws Exception {
        SegmentCatalog blind = new SegmentCatalog(new UnlistableStore(primary, "primary"), new UnlistableStore(backup, "backup"));
        SinkLoop loop = loop(new RetryingObjectStore(backup, BACKOFF, 0, abort, e -> { }), blind);
        tenChangesOfAcme(Optional.of(new OffsetAndMetadata(0, CommitMetadata.format(9)))); // an earlier run may have stored 0..9
        AtomicReference<RuntimeException> ended = new AtomicReference<>();
        Thread poll = running(loop, ended);
        poll.join(TimeUnit.SECONDS.toMillis(10));

        assertThat(poll.isAlive()).isFalse();
        assertThat(ended.get()).isInstanceOf(SinkFailedException.class)
                .hasMessageContaining("cannot recover partition 0")
                .hasMessageContaining("tenant acme")
                .hasMessageContaining("in either region")
                .hasMessageContaining("restart the sink");
        assertThat(registry.get("strata.sink.failed").gauge().value()).isEqualTo(1);
        assertThat(committed()).isZero();
        assertThat(segments(primary)).isEmpty();
        assertThat(segments(backup)).isEmpty();
    }

    private static List<ObjectKey> segments(ObjectStore store) {
        return store.listAll(BackupLayout.logPrefix(dev.strata.schemas.TenantId.of("acme")), Optional.empty()).map(ListedObject::key).toList();
    }

    private void await(java.util.function.BooleanSupplier condition) {
        StopSignal never = new StopSignal();
        for (int i = 0; i < 1000 && !condition.getAsBoolean(); i++) {
            never.awaitStop(Duration.ofMillis(10));
        }
        assertThat(condition.getAsBoolean()).as("condition within 10 s").isTrue();
    }
}

package dev.strata.sink;

import dev.strata.sink.ownership.OwnedPartitions;
import dev.strata.schemas.crypto.BodySealer;
import dev.strata.schemas.keystore.TestKeyStores;
import dev.strata.schemas.ops.StoppingException;
import dev.strata.schemas.regime.RegionSettings;
import dev.strata.schemas.store.FlakyStore;
import dev.strata.schemas.store.retry.Backoff;
import dev.strata.schemas.store.retry.RetryingObjectStore;
import dev.strata.schemas.testing.MutableClock;
import dev.strata.schemas.watermark.WatermarkCodec;
import dev.strata.sink.manifest.ManifestSealer;
import dev.strata.sink.segment.ClosedSegment;
import dev.strata.sink.store.DualRegionUploader;
import dev.strata.sink.store.RegionReader;
import dev.strata.sink.watermark.WatermarkPublisher;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeout;

import dev.strata.schemas.TenantId;
import dev.strata.schemas.kafka.Topics;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.ops.StopSignal;
import dev.strata.schemas.store.InMemoryBucket;
import dev.strata.schemas.store.ListedObject;
import dev.strata.schemas.store.ObjectStore;
import dev.strata.schemas.store.StoreOperation;
import dev.strata.schemas.store.VersionPolicy;
import dev.strata.schemas.store.failure.StoreUnavailableException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The stop sequence of {@link SinkService#close}, without Kafka: an object in flight when the sink
 * is closed must reach both regions before retries are abandoned (SinkIT once read 10 objects
 * stored in the primary and 9 in the backup after a close).
 */
class GracefulStopTest {
    private static final TenantId ACME = TenantId.of("acme");
    private static final Backoff BACKOFF = new Backoff(Duration.ofMillis(5), Duration.ofMillis(20));

    private final InMemoryBucket primaryBucket = new InMemoryBucket();
    private final InMemoryBucket backupBucket = new InMemoryBucket();
    private final ObjectStore primary = primaryBucket.store(VersionPolicy.LATEST_VERSION);
    private final ObjectStore backup = backupBucket.store(VersionPolicy.LATEST_VERSION);
    private final StopSignal shutdown = new StopSignal();
    private final StopSignal abort = new StopSignal();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-21T10:30:00Z"));
    private final SinkMetrics metrics = new SinkMetrics(new SimpleMeterRegistry(), "eu");
    private final MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    private final ExecutorService sealerThread = Executors.newSingleThreadScheduledExecutor();
    private final ExecutorService baseThread = Executors.newSingleThreadScheduledExecutor();
    /** Stands for SinkLoop.run: it ends when the shutdown signal is raised. */
    private final Thread pollThread = new Thread(() -> shutdown.awaitStop(Duration.ofMinutes(1)), "test-poll");
    private DualRegionUploader uploader;

    @AfterEach
    void close() {
        abort.stop();
        shutdown.stop();
        sealerThread.shutdownNow();
        baseThread.shutdownNow();
        if (uploader != null) {
            uploader.close();
        }
    }

    private DualRegionUploader uploader(ObjectStore backupRegion) {
        uploader = new DualRegionUploader(
                new DualRegionUploader.Region(RegionSettings.PRIMARY, new RetryingObjectStore(primary, BACKOFF, 0, abort, e -> { })),
                new DualRegionUploader.Region(RegionSettings.BACKUP, backupRegion), 1, metrics, clock);
        return uploader;
    }

    private GracefulStop stop(Duration bound) {
        pollThread.start();
        return new GracefulStop(shutdown, abort, pollThread, sealerThread, baseThread, List.of(uploader), bound, Clock.systemUTC());
    }

    @Test
    void aManifestBeingSealedWhenTheSinkIsClosedReachesBothRegionsBeforeRetriesEnd() throws Exception {
        // The backup's put of the manifest starts only once the stop has begun: before the fix, the abort signal
        // came first and the backup's retrying store gave up before its first attempt.
        GatedStore backupRegion = new GatedStore(new RetryingObjectStore(backup, BACKOFF, 0, abort, e -> { }),
                key -> key.value().endsWith(".manifest"), () -> abort.stopped() || !uploader.taking());
        uploader(backupRegion);
        ManifestSealer sealer = new ManifestSealer(new RegionReader(primary, backup), uploader,
                new WatermarkPublisher(producer, "eu", clock, metrics), metrics, clock, Duration.ofMinutes(10),
                OwnedPartitions.of(0), BodySealer.unsealed(TestKeyStores.inMemory()));
        ClosedSegment segment = Segments.of("acme", 0, 9, Instant.parse("2026-11-21T10:05:00Z").getEpochSecond() * 1_000_000L);
        uploader.upload(segment.key(), segment.bytes(), segment.sha256(), segment.events()).get(10, TimeUnit.SECONDS);
        sealer.durable(segment);
        clock.set(Instant.parse("2026-11-21T11:15:00Z")); // the hour is over by its grace: the next round seals it
        sealerThread.execute(sealer::tick);
        assertThat(backupRegion.entered.await(10, TimeUnit.SECONDS)).as("the manifest's put reached the backup").isTrue();

        stop(Duration.ofSeconds(30)).run(() -> false);

        assertThat(abort.stopped()).isTrue();
        assertThat(manifests(primary)).hasSize(1);
        assertThat(manifests(backup)).as("the manifest in flight at the stop is in the backup too").isEqualTo(manifests(primary));
        assertThat(producer.history()).as("its watermark was published before the producer could be closed").anySatisfy(record -> {
            assertThat(record.topic()).isEqualTo(Topics.WATERMARKS);
            assertThat(WatermarkCodec.decode(record.value()).manifestHead()).get()
                    .satisfies(head -> assertThat(head.key()).isEqualTo(manifests(primary).get(0)));
        });
    }

    @Test
    void stopsWaitingAtTheBoundThenEndsTheRetries() {
        FlakyStore down = regionDown();
        uploader(new RetryingObjectStore(down, BACKOFF, 0, abort, e -> { }));
        ClosedSegment segment = Segments.of("acme", 0, 9, 1_795_260_000_000_000L);
        CompletableFuture<Void> durable = uploader.upload(segment.key(), segment.bytes(), segment.sha256(), segment.events());

        assertTimeout(Duration.ofSeconds(10), () -> stop(Duration.ofMillis(300)).run(() -> false));

        assertThat(abort.stopped()).isTrue();
        assertThat(durable).failsWithin(Duration.ofSeconds(10)).withThrowableThat().havingRootCause().isInstanceOf(StoppingException.class);
        assertThat(down.puts.get()).as("retried while the stop waited").isGreaterThan(1);
        assertThat(primary.head(segment.key())).isPresent();
        assertThat(backup.head(segment.key())).isEmpty();
    }

    @Test
    void afterTheSinkFailedItDoesNotWaitForUploads() {
        uploader(new RetryingObjectStore(regionDown(), BACKOFF, 0, abort, e -> { }));
        ClosedSegment segment = Segments.of("acme", 0, 9, 1_795_260_000_000_000L);
        CompletableFuture<Void> durable = uploader.upload(segment.key(), segment.bytes(), segment.sha256(), segment.events());

        assertTimeout(Duration.ofSeconds(10), () -> stop(Duration.ofSeconds(60)).run(() -> true));

        assertThat(durable).failsWithin(Duration.ofSeconds(10)).withThrowableThat().havingRootCause().isInstanceOf(StoppingException.class);
    }

    private FlakyStore regionDown() {
        FlakyStore down = new FlakyStore(backup, key -> new StoreUnavailableException(StoreOperation.PUT, "backup", key, "connection refused", null));
        for (int i = 0; i < 100_000; i++) {
            down.then(FlakyStore.Step.FAIL_BEFORE);
        }
        return down;
    }

    private static List<ObjectKey> manifests(ObjectStore store) {
        return store.listAll(BackupLayout.manifestsPrefix(ACME), Optional.empty()).map(ListedObject::key).toList();
    }
}

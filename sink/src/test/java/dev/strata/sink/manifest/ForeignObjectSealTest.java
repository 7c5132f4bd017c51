package dev.strata.sink.manifest;

import dev.strata.sink.ownership.OwnedPartitions;
import dev.strata.schemas.crypto.BodySealer;
import dev.strata.schemas.keystore.TestKeyStores;
import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.schemas.TenantId;
import dev.strata.schemas.UtcHour;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.ManifestKey;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.layout.SegmentKey;
import dev.strata.schemas.manifest.ManifestCodec;
import dev.strata.schemas.manifest.ManifestEntry;
import dev.strata.schemas.store.InMemoryBucket;
import dev.strata.schemas.store.ObjectStore;
import dev.strata.schemas.store.VersionPolicy;
import dev.strata.schemas.testing.MutableClock;
import dev.strata.sink.Segments;
import dev.strata.sink.SinkMetrics;
import dev.strata.sink.segment.ClosedSegment;
import dev.strata.sink.store.DualRegionUploader;
import dev.strata.sink.store.RegionReader;
import dev.strata.sink.watermark.WatermarkPublisher;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The sealer names only what the sink wrote: a segment of another tenant planted with the writer key
 * (its declared SHA-256 and all) is never sealed, but counted and alarmed; after a restart, segments
 * an earlier run wrote are recognized by their events' tenant and their committed offsets.
 */
class ForeignObjectSealTest {
    private static final TenantId ACME = TenantId.of("acme");
    private static final UtcHour HOUR = UtcHour.containing(Instant.parse("2026-11-21T10:00:00Z"));
    private static final Duration GRACE = Duration.ofMinutes(10);

    private final ObjectStore primary = new InMemoryBucket().store(VersionPolicy.LATEST_VERSION);
    private final ObjectStore backup = new InMemoryBucket().store(VersionPolicy.LATEST_VERSION);
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-21T10:30:00Z"));
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final SinkMetrics metrics = new SinkMetrics(registry, "eu");
    private final WatermarkPublisher watermarks = new WatermarkPublisher(
            new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer()), "eu", clock, metrics);
    private final DualRegionUploader uploader = new DualRegionUploader(new DualRegionUploader.Region("primary", primary),
            new DualRegionUploader.Region("backup", backup), 1, metrics, clock);

    @AfterEach
    void close() {
        uploader.close();
    }

    private ManifestSealer sealer() {
        return new ManifestSealer(new RegionReader(primary, backup), uploader, watermarks, metrics, clock, GRACE, OwnedPartitions.of(0),
                BodySealer.unsealed(TestKeyStores.inMemory()));
    }

    private ClosedSegment stored(String tenant, long first, long last, String commit) {
        ClosedSegment segment = Segments.of(tenant, first, last, Instant.parse(commit).getEpochSecond() * 1_000_000L);
        uploader.upload(segment.key(), segment.bytes(), segment.sha256(), segment.events()).join();
        return segment;
    }

    /** What the writer key allows: {@code source}'s bytes and declared SHA-256 under acme's log, in both regions, on partition 3. */
    private ObjectKey plantUnderAcme(ClosedSegment source) {
        SegmentKey from = source.segmentKey();
        ObjectKey planted = BackupLayout.segment(new SegmentKey(ACME, from.minCommitMicros(), from.maxCommitMicros(), 3,
                from.firstOffset(), from.lastOffset()));
        primary.putIfAbsent(planted, source.bytes(), source.sha256());
        backup.putIfAbsent(planted, source.bytes(), source.sha256());
        return planted;
    }

    private List<ObjectKey> sealedKeys(int seq) {
        ObjectKey key = BackupLayout.manifest(new ManifestKey(ACME, HOUR, seq));
        return ManifestCodec.decode(primary.get(key).orElseThrow().bytes()).entries().stream().map(ManifestEntry::key).toList();
    }

    private double foreignObjects() {
        return registry.get(SinkMetrics.PREFIX + "foreign.objects").counter().count();
    }

    private void afterGrace() {
        clock.set(HOUR.next().start().plus(GRACE));
    }

    @Test
    void anotherTenantsSegmentPlantedWithItsDeclaredShaIsNeverSealed() {
        ManifestSealer sealer = sealer();
        ClosedSegment own = stored("acme", 0, 9, "2026-11-21T10:05:00Z");
        sealer.durable(own);
        ObjectKey planted = plantUnderAcme(stored("eff", 10, 19, "2026-11-21T10:06:00Z"));
        sealer.committed(3, 100); // even with its offsets committed, the events are not acme's
        sealer.committed(0, 10);
        afterGrace();
        sealer.tick();
        sealer.tick();
        assertThat(sealedKeys(0)).containsExactly(own.key()).doesNotContain(planted);
        assertThat(foreignObjects()).as("counted once, however many rounds see it").isEqualTo(1);
    }

    @Test
    void aSegmentOfTheTenantWhoseOffsetsWereNeverCommittedWaitsAndIsThenSealed() {
        ClosedSegment earlier = stored("acme", 0, 9, "2026-11-21T10:05:00Z"); // an earlier run's upload; it crashed before committing
        ManifestSealer restarted = sealer();
        ClosedSegment own = stored("acme", 10, 19, "2026-11-21T10:07:00Z");
        restarted.durable(own);
        afterGrace();
        restarted.tick();
        assertThat(primary.get(BackupLayout.manifest(new ManifestKey(ACME, HOUR, 0)))).as("waits for the commit").isEmpty();
        restarted.committed(0, 20);
        restarted.tick();
        assertThat(sealedKeys(0)).containsExactly(earlier.key(), own.key());
        assertThat(foreignObjects()).isZero();
    }

    @Test
    void afterARestartTheEarlierRunsSegmentsAreRecognizedAndAPlantAmongThemIsNot() {
        ClosedSegment earlier = stored("acme", 0, 9, "2026-11-21T10:05:00Z");
        ObjectKey planted = plantUnderAcme(stored("eff", 10, 19, "2026-11-21T10:06:00Z"));
        ManifestSealer restarted = sealer();
        restarted.durableEarlier(ACME, 0, HOUR); // as recovery reports the earlier run's segments: no SHA-256 remembered
        restarted.committed(0, 50);
        restarted.committed(3, 50);
        afterGrace();
        restarted.tick();
        assertThat(sealedKeys(0)).containsExactly(earlier.key());
        assertThat(foreignObjects()).isEqualTo(1);
        assertThat(planted).isNotIn(sealedKeys(0));
    }

    @Test
    void bytesOtherThanTheSinkWroteUnderItsOwnKeyAreNotSealed() {
        ManifestSealer sealer = sealer();
        ClosedSegment own = stored("acme", 0, 9, "2026-11-21T10:05:00Z");
        ClosedSegment longer = Segments.of("acme", 0, 10, Instant.parse("2026-11-21T10:05:00Z").getEpochSecond() * 1_000_000L);
        ObjectKey unknown = BackupLayout.segment(new SegmentKey(ACME, own.segmentKey().minCommitMicros(),
                own.segmentKey().maxCommitMicros(), 0, 0, 5)); // six offsets, eleven events
        primary.putIfAbsent(unknown, longer.bytes(), longer.sha256());
        backup.putIfAbsent(unknown, longer.bytes(), longer.sha256());
        sealer.durable(own);
        sealer.committed(0, 10);
        afterGrace();
        sealer.tick();
        assertThat(sealedKeys(0)).containsExactly(own.key());
        assertThat(foreignObjects()).isEqualTo(1);
    }

    @Test
    void anObjectUnderTheLogThatIsNoSegmentIsNotSealed() {
        ManifestSealer sealer = sealer();
        ClosedSegment own = stored("acme", 0, 9, "2026-11-21T10:05:00Z");
        sealer.durable(own);
        sealer.committed(0, 10);
        ObjectKey stray = BackupLayout.keyOf(BackupLayout.logHourPrefix(ACME, HOUR).value() + "notes.txt");
        byte[] text = "hello".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        primary.putIfAbsent(stray, text, dev.strata.schemas.Sha256.of(text));
        backup.putIfAbsent(stray, text, dev.strata.schemas.Sha256.of(text));
        afterGrace();
        sealer.tick();
        assertThat(sealedKeys(0)).containsExactly(own.key());
        assertThat(foreignObjects()).isEqualTo(1);
    }
}

package dev.strata.sink.manifest;

import dev.strata.sink.ownership.OwnedPartitions;
import dev.strata.schemas.crypto.BodySealer;
import dev.strata.schemas.keystore.TestKeyStores;
import dev.strata.schemas.testing.MutableClock;
import dev.strata.sink.Segments;
import dev.strata.sink.SinkMetrics;
import dev.strata.schemas.watermark.Watermark;
import dev.strata.sink.segment.ClosedSegment;
import dev.strata.sink.store.DualRegionUploader;
import dev.strata.sink.store.RegionReader;
import dev.strata.sink.watermark.WatermarkPublisher;
import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.schemas.TenantId;
import dev.strata.schemas.UtcHour;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.ManifestKey;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.manifest.ChainReport;
import dev.strata.schemas.manifest.Manifest;
import dev.strata.schemas.manifest.ManifestChain;
import dev.strata.schemas.manifest.ManifestCodec;
import dev.strata.schemas.manifest.ManifestEntry;
import dev.strata.schemas.manifest.StoredManifest;
import dev.strata.schemas.ops.StopSignal;
import dev.strata.schemas.store.InMemoryBucket;
import dev.strata.schemas.store.ListedObject;
import dev.strata.schemas.store.ObjectStore;
import dev.strata.schemas.store.VersionPolicy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ManifestSealerTest {
    private static final TenantId ACME = TenantId.of("acme");
    private static final UtcHour HOUR = UtcHour.containing(Instant.parse("2026-11-21T10:00:00Z"));
    private static final Duration GRACE = Duration.ofMinutes(10);

    private final InMemoryBucket primaryBucket = new InMemoryBucket();
    private final InMemoryBucket backupBucket = new InMemoryBucket();
    private final ObjectStore primary = primaryBucket.store(VersionPolicy.LATEST_VERSION);
    private final ObjectStore backup = backupBucket.store(VersionPolicy.LATEST_VERSION);
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-21T10:30:00Z"));
    private final SinkMetrics metrics = new SinkMetrics(new SimpleMeterRegistry(), "eu");
    private final MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    private final WatermarkPublisher watermarks = new WatermarkPublisher(producer, "eu", clock, metrics);
    private final StopSignal stop = new StopSignal();
    private final DualRegionUploader uploader = new DualRegionUploader(new DualRegionUploader.Region("primary", primary),
            new DualRegionUploader.Region("backup", backup), 1, metrics, clock);

    @AfterEach
    void close() {
        stop.stop();
        uploader.close();
    }

    private ManifestSealer sealer() {
        return new ManifestSealer(new RegionReader(primary, backup), uploader, watermarks, metrics, clock, GRACE, OwnedPartitions.of(0),
                BodySealer.unsealed(TestKeyStores.inMemory()));
    }

    private ClosedSegment durable(long first, long last, Instant commit) {
        ClosedSegment segment = Segments.of("acme", first, last, commit.getEpochSecond() * 1_000_000L);
        uploader.upload(segment.key(), segment.bytes(), segment.sha256(), segment.events()).join();
        return segment;
    }

    private List<ObjectKey> manifests(ObjectStore store) {
        return store.listAll(BackupLayout.manifestsPrefix(ACME), Optional.empty()).map(ListedObject::key).toList();
    }

    private Manifest manifest(ManifestKey key) {
        return ManifestCodec.decode(primary.get(BackupLayout.manifest(key)).orElseThrow().bytes());
    }

    private ChainReport chain() {
        return ManifestChain.verify(manifests(primary).stream()
                .map(k -> new StoredManifest(k, primary.get(k).orElseThrow().bytes())).toList());
    }

    @Test
    void sealsAnHourOnlyAfterItsGraceWithEveryDurableSegmentAndItsSha() {
        ManifestSealer sealer = sealer();
        ClosedSegment a = durable(0, 9, Instant.parse("2026-11-21T10:05:00Z"));
        ClosedSegment b = durable(10, 19, Instant.parse("2026-11-21T10:50:00Z"));
        sealer.durable(a);
        sealer.durable(b);

        clock.set(HOUR.next().start().plus(GRACE).minusSeconds(1));
        sealer.tick();
        assertThat(manifests(primary)).isEmpty();

        clock.set(HOUR.next().start().plus(GRACE));
        sealer.tick();
        assertThat(manifests(primary)).containsExactly(BackupLayout.manifest(new ManifestKey(ACME, HOUR, 0)));
        assertThat(manifests(backup)).isEqualTo(manifests(primary));
        Manifest sealed = manifest(new ManifestKey(ACME, HOUR, 0));
        assertThat(sealed.previous()).isEmpty();
        assertThat(sealed.entries()).containsExactly(new ManifestEntry(a.key(), a.size(), a.sha256()), new ManifestEntry(b.key(), b.size(), b.sha256()));
        assertThat(watermarks.current(ACME).orElseThrow().manifestHead().orElseThrow().key())
                .isEqualTo(BackupLayout.manifest(new ManifestKey(ACME, HOUR, 0)));
    }

    @Test
    void leavesOutWhatOnlyOneRegionHolds() {
        ManifestSealer sealer = sealer();
        ClosedSegment both = durable(0, 9, Instant.parse("2026-11-21T10:05:00Z"));
        ClosedSegment primaryOnly = Segments.of("acme", 10, 19, Instant.parse("2026-11-21T10:06:00Z").getEpochSecond() * 1_000_000L);
        primary.putIfAbsent(primaryOnly.key(), primaryOnly.bytes(), primaryOnly.sha256());
        sealer.durable(both);
        clock.set(HOUR.next().start().plus(GRACE));
        sealer.tick();
        assertThat(manifest(new ManifestKey(ACME, HOUR, 0)).entries()).extracting(ManifestEntry::key).containsExactly(both.key());
    }

    @Test
    void chainsLateSegmentsIntoTheNextSeqAndThenTheNextHour() {
        ManifestSealer sealer = sealer();
        sealer.durable(durable(0, 9, Instant.parse("2026-11-21T10:05:00Z")));
        clock.set(HOUR.next().start().plus(GRACE));
        sealer.tick();

        ClosedSegment late = durable(10, 19, Instant.parse("2026-11-21T10:59:00Z"));
        sealer.durable(late);
        sealer.tick();
        assertThat(manifest(new ManifestKey(ACME, HOUR, 1)).entries()).extracting(ManifestEntry::key).containsExactly(late.key());

        ClosedSegment next = durable(20, 29, Instant.parse("2026-11-21T11:01:00Z"));
        sealer.durable(next);
        clock.set(HOUR.next().next().start().plus(GRACE));
        sealer.tick();
        ClosedSegment veryLate = durable(30, 39, Instant.parse("2026-11-21T10:59:30Z"));
        sealer.durable(veryLate);
        sealer.tick();
        assertThat(manifest(new ManifestKey(ACME, HOUR.next(), 0)).entries()).extracting(ManifestEntry::key).containsExactly(next.key());
        assertThat(manifest(new ManifestKey(ACME, HOUR.next(), 1)).entries()).extracting(ManifestEntry::key)
                .as("a late segment of an hour before the head goes into the next manifest").containsExactly(veryLate.key());

        ChainReport report = chain();
        assertThat(report.breaks()).isEmpty();
        assertThat(report.manifestsVerified()).isEqualTo(4);
    }

    @Test
    void aRestartedSinkContinuesTheChainFromTheRecordedHead() {
        sealer().durable(durable(0, 9, Instant.parse("2026-11-21T10:05:00Z")));
        ManifestSealer first = sealer();
        first.committed(0, 20); // as at its assignment: the earlier run committed past its segment 0..9
        first.durable(durable(10, 19, Instant.parse("2026-11-21T10:06:00Z")));
        clock.set(HOUR.next().start().plus(GRACE));
        first.tick();
        Watermark recorded = watermarks.current(ACME).orElseThrow();

        // The earlier run wrote an 11:00 segment and died; the new run only has the watermark.
        durable(20, 29, Instant.parse("2026-11-21T11:30:00Z"));
        Watermark withLaterData = new Watermark(ACME, "eu", Instant.parse("2026-11-21T11:30:00Z").getEpochSecond() * 1_000_000L, 1, "t", 0,
                30, 0, recorded.manifestHead());
        ManifestSealer restarted = sealer();
        restarted.hint(withLaterData);
        clock.set(HOUR.next().next().start().plus(GRACE));
        restarted.tick();

        Manifest next = manifest(new ManifestKey(ACME, HOUR.next(), 0));
        assertThat(next.previous()).contains(recorded.manifestHead().orElseThrow().sha256());
        assertThat(next.entries()).hasSize(1);
        assertThat(chain().breaks()).isEmpty();
    }

    @Test
    void completesAManifestAnEarlierRunLeftInOneRegion() {
        ClosedSegment a = durable(0, 9, Instant.parse("2026-11-21T10:05:00Z"));
        Manifest orphan = new Manifest(ACME, HOUR, 0, Optional.empty(), List.of(new ManifestEntry(a.key(), a.size(), a.sha256())));
        byte[] bytes = ManifestCodec.encode(orphan);
        primary.putIfAbsent(BackupLayout.manifest(orphan.key()), bytes, dev.strata.schemas.Sha256.of(bytes));

        ManifestSealer sealer = sealer();
        sealer.durable(durable(10, 19, Instant.parse("2026-11-21T11:05:00Z")));
        clock.set(HOUR.next().next().start().plus(GRACE));
        sealer.tick();
        assertThat(manifests(backup)).isEqualTo(manifests(primary)).hasSize(2);
        assertThat(manifest(new ManifestKey(ACME, HOUR.next(), 0)).previous()).contains(dev.strata.schemas.Sha256.of(bytes));
    }
}

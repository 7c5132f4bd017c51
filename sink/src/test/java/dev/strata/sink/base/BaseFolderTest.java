package dev.strata.sink.base;

import dev.strata.schemas.fold.drain.FoldDrain;
import dev.strata.sink.ownership.OwnedPartitions;
import dev.strata.schemas.crypto.BodySealer;
import dev.strata.schemas.keystore.TestKeyStores;
import dev.strata.sink.ManifestWithheldStore;
import dev.strata.schemas.testing.MutableClock;
import dev.strata.sink.SinkConfig;
import dev.strata.sink.SinkMetrics;
import dev.strata.sink.SinkParts;
import dev.strata.sink.segment.ClosedSegment;
import dev.strata.sink.segment.EventView;
import dev.strata.sink.segment.OpenSegment;
import dev.strata.sink.segment.RotationReason;
import dev.strata.sink.store.DualRegionUploader;
import dev.strata.sink.store.RegionReader;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.schemas.Sha256;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.TestEvents;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.base.BaseLoader;
import dev.strata.schemas.base.BaseManifest;
import dev.strata.schemas.base.BaseTable;
import dev.strata.schemas.fold.ChangeFolder;
import dev.strata.schemas.fold.FoldMemory;
import dev.strata.schemas.fold.ShapeCatalog;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.BaseCut;
import dev.strata.schemas.layout.BaseManifestKey;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.manifest.Manifest;
import dev.strata.schemas.manifest.ManifestCodec;
import dev.strata.schemas.manifest.ManifestEntry;
import dev.strata.schemas.manifest.SealedManifest;
import dev.strata.schemas.store.InMemoryBucket;
import dev.strata.schemas.store.ObjectStore;
import dev.strata.schemas.store.VersionPolicy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cut rule of {@link BaseFolder}: every change committed at or before the cut is in the base and
 * none after it, whatever the segment boundaries. Rows are identified by their LSN (each test event
 * is its own key), so a base is checked as the set of LSNs it holds.
 */
class BaseFolderTest {
    private static final TenantId ACME = TenantId.of("acme");
    private static final long T0 = Instant.parse("2026-11-21T10:00:00Z").getEpochSecond() * 1_000_000L;
    private static final long MINUTE = 60_000_000L;

    @TempDir
    Path spill;

    private final BodySealer bodies = TestKeyStores.sealing();
    private final InMemoryBucket primaryBucket = new InMemoryBucket();
    private final InMemoryBucket backupBucket = new InMemoryBucket();
    private final ObjectStore primary = primaryBucket.store(VersionPolicy.LATEST_VERSION);
    private final ObjectStore backup = backupBucket.store(VersionPolicy.LATEST_VERSION);
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-21T12:00:00Z"));
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final DualRegionUploader uploader = new DualRegionUploader(new DualRegionUploader.Region("primary", primary),
            new DualRegionUploader.Region("backup", backup), 1, new SinkMetrics(registry, "eu"), clock);
    private final List<DualRegionUploader> otherUploaders = new ArrayList<>();
    private long nextOffset;

    @AfterEach
    void close() {
        uploader.close();
        otherUploaders.forEach(DualRegionUploader::close);
    }

    private BaseFolder folder() {
        return folder(uploader);
    }

    /** A folder that reads both regions but stores its base through {@code primaryStore} and {@code backupStore}. */
    private BaseFolder folderStoringTo(ObjectStore primaryStore, ObjectStore backupStore) {
        DualRegionUploader other = new DualRegionUploader(new DualRegionUploader.Region("primary", primaryStore),
                new DualRegionUploader.Region("backup", backupStore), 1, new SinkMetrics(new SimpleMeterRegistry(), "eu"), clock);
        otherUploaders.add(other);
        return folder(other);
    }

    private BaseFolder folder(DualRegionUploader storing) {
        BaseSettings settings = new BaseSettings(1, 1, Duration.ofDays(1), Duration.ofMinutes(5), BackupLayout.MAX_SEGMENT_COMMIT_SPAN,
                64L << 20, spill);
        return new BaseFolder(new RegionReader(primary, backup), storing, bodies, settings, new BaseMetrics(registry, "eu", clock), clock);
    }

    /** One change per key: {@code lsn} identifies its row; LSNs 10*k .. 10*k+9 are one transaction. */
    private static ChangeEvent change(long lsn, long commitMicros) {
        return TestEvents.update("acme", lsn, commitMicros);
    }

    /** A segment of partition 0 holding the events at the next offsets, stored in both regions. */
    private ClosedSegment durable(ChangeEvent... events) {
        OpenSegment open = new OpenSegment(ACME, 0, 1, Instant.EPOCH, SinkParts.ZSTD_LEVEL, Optional.empty());
        for (ChangeEvent e : events) {
            open.append(nextOffset++, EventView.of(e));
        }
        ClosedSegment segment = open.close(RotationReason.AGE, Instant.EPOCH);
        uploader.upload(segment.key(), segment.bytes(), segment.sha256(), segment.events()).join();
        return segment;
    }

    /** The LSNs of the live rows of a stored base. */
    private TreeSet<Long> rows(BaseManifest manifest) {
        ShapeCatalog catalog = new ShapeCatalog();
        TreeSet<Long> lsns = new TreeSet<>();
        try (ChangeFolder fold = new ChangeFolder(catalog, new FoldMemory(64L << 20, spill, 2))) {
            for (BaseTable table : manifest.tables()) {
                ObjectKey key = manifest.tableKey(table);
                byte[] body = bodies.open(key, primary.get(key).orElseThrow().bytes());
                BaseLoader.load(table.withObject(body.length, Sha256.of(body)), body, key.value(), catalog, fold);
            }
            fold.drain(new FoldDrain() {
                @Override
                public void upsert(int tableId, byte[] key, byte[] version) {
                    lsns.add(ByteBuffer.wrap(version).getLong());
                }

                @Override
                public void tombstone(int tableId, byte[] key, byte[] version) {
                }
            });
        }
        return lsns;
    }

    @Test
    void leavesOutTheWholeTransactionCommittedAtTheWatermarkAndTakesItWhenItIsComplete() {
        // transaction 2 (LSNs 20, 21) committed at T0+10 spans two segments; only the first is durable
        durable(change(10, T0), change(20, T0 + 10));
        ClosedSegment second = durable(change(21, T0 + 10), change(30, T0 + 20));
        BaseFolder folder = folder();

        BaseManifest first = folder.make(ACME, T0 + 10, OwnedPartitions.lease()).orElseThrow(); // the watermark: max commit of the first segment
        assertThat(first.cut().cutCommitMicros()).isEqualTo(T0 + 9);
        assertThat(rows(first)).as("transaction 2 not split: none of it before the cut").containsExactly(10L);

        BaseManifest next = folder.make(ACME, T0 + 20, OwnedPartitions.lease()).orElseThrow();
        assertThat(next.cut().cutCommitMicros()).isEqualTo(T0 + 19);
        assertThat(rows(next)).as("all of transaction 2, nothing committed after the cut").containsExactly(10L, 20L, 21L);
        assertThat(next.previous()).get().extracting(BaseManifest.PreviousBase::cut).isEqualTo(first.cut());
        assertThat(next.folded()).extracting(ManifestEntry::key).contains(first.objectKey(), second.key());
        assertThat(next.cut().cutLsn()).isEqualTo(21);
    }

    @Test
    void refusesToFoldASegmentWhoseLatestVersionIsNotTheBytesItsSealedManifestRecorded() {
        ClosedSegment segment = durable(change(10, T0), change(20, T0 + 10));
        Manifest hour = new Manifest(ACME, segment.segmentKey().hour(), 0, Optional.empty(),
                List.of(new ManifestEntry(segment.key(), segment.bytes().length, segment.sha256())));
        SealedManifest sealed = ManifestCodec.seal(hour);
        uploader.upload(BackupLayout.manifest(hour.key()), sealed.bytes(), sealed.sha256(), 0).join();
        byte[] forged = segment.bytes().clone();
        forged[forged.length - 1] ^= 1;
        // a second version under the same key, as a stolen writer key can add: this sink reads the latest
        primaryBucket.overwrite(segment.key(), forged);
        backupBucket.overwrite(segment.key(), forged);

        assertThatThrownBy(() -> folder().make(ACME, T0 + 20, OwnedPartitions.lease())).hasMessageContaining("ALARM")
                .hasMessageContaining(segment.key() + " matches its SHA-256 " + segment.sha256() + " in neither region");
        assertThat(folder().newestCut(ACME)).isEmpty();
    }

    @Test
    void doesNotFoldAgainASegmentThatAnEarlierBaseInsideTheLookbackHolds() {
        ClosedSegment first = durable(change(10, T0));
        BaseFolder folder = folder();
        BaseManifest one = folder.make(ACME, T0 + 1, OwnedPartitions.lease()).orElseThrow();
        ClosedSegment second = durable(change(20, T0 + 10));
        BaseManifest two = folder.make(ACME, T0 + 11, OwnedPartitions.lease()).orElseThrow();
        ClosedSegment third = durable(change(30, T0 + 20));

        BaseManifest three = folder.make(ACME, T0 + 21, OwnedPartitions.lease()).orElseThrow();

        assertThat(one.folded()).extracting(ManifestEntry::key).contains(first.key());
        assertThat(three.folded()).extracting(ManifestEntry::key).containsExactly(two.objectKey(), third.key())
                .doesNotContain(first.key(), second.key());
        assertThat(rows(three)).containsExactly(10L, 20L, 30L);
    }

    @Test
    void readsASegmentThatBeganUpToTheLayoutBoundBeforeThePreviousCut() {
        durable(change(10, T0));
        BaseFolder folder = folder();
        BaseManifest first = folder.make(ACME, T0 + 1, OwnedPartitions.lease()).orElseThrow();
        // begins 59 minutes before the first cut, ends after it: its later change must reach the next base
        long begin = T0 - 59 * MINUTE;
        durable(change(20, begin), change(30, T0 + 5 * MINUTE));
        durable(change(40, T0 + 6 * MINUTE));

        BaseManifest next = folder.make(ACME, T0 + 6 * MINUTE, OwnedPartitions.lease()).orElseThrow();
        assertThat(first.cut().cutCommitMicros()).isEqualTo(T0);
        assertThat(rows(next)).containsExactly(10L, 20L, 30L);
    }

    @Test
    void foldsASegmentThatBecameDurableAfterThePreviousFoldAlthoughItsChangesAreOlderThanItsCut() {
        durable(change(10, T0), change(20, T0 + 5));
        BaseFolder folder = folder();
        BaseManifest first = folder.make(ACME, T0 + 5, OwnedPartitions.lease()).orElseThrow();
        assertThat(rows(first)).containsExactly(10L);
        // committed at T0+3 but ordered after T0+5 in the log (commit timestamps race in Postgres): durable only now
        ClosedSegment late = durable(change(30, T0 + 3));
        durable(change(40, T0 + 50));

        BaseManifest next = folder.make(ACME, T0 + 50, OwnedPartitions.lease()).orElseThrow();
        assertThat(rows(next)).containsExactly(10L, 20L, 30L);
        assertThat(next.folded()).extracting(ManifestEntry::key).contains(late.key());
    }

    @Test
    void skipsAnObjectUnderTheLogPrefixThatIsNotASegment() {
        durable(change(10, T0));
        ObjectKey stray = BackupLayout.keyOf(BackupLayout.logPrefix(ACME).value() + "README.txt");
        byte[] text = "left here by an operator".getBytes(StandardCharsets.UTF_8);
        primary.putIfAbsent(stray, text, Sha256.of(text));
        backup.putIfAbsent(stray, text, Sha256.of(text));

        BaseManifest base = folder().make(ACME, T0 + 1, OwnedPartitions.lease()).orElseThrow();
        assertThat(rows(base)).containsExactly(10L);
    }

    @Test
    void makesNoBaseWhenNothingWasCommittedAfterTheNewestCut() {
        durable(change(10, T0));
        BaseFolder folder = folder();
        folder.make(ACME, T0 + 1, OwnedPartitions.lease()).orElseThrow();
        assertThat(folder.make(ACME, T0 + 1, OwnedPartitions.lease())).isEmpty();
    }

    @Test
    void completesABaseWhoseManifestIsInOneRegionOnlyWithTheSameBytesAndFoldsOnFromIt() {
        durable(change(10, T0));
        BaseFolder dyingBetweenRegions = folderStoringTo(primary, new ManifestWithheldStore(backup));
        assertThatThrownBy(() -> dyingBetweenRegions.make(ACME, T0 + 1, OwnedPartitions.lease())).hasStackTraceContaining("the fold is killed here");
        // the upload failed when the backup refused; the primary's put of the same manifest may still be under way
        assertThat(otherUploaders).allSatisfy(u -> assertThat(u.settled(Duration.ofSeconds(30))).isTrue());
        BaseCut cut = new BaseCut(T0, 10);
        ObjectKey manifestKey = BackupLayout.baseManifest(new BaseManifestKey(ACME, cut));
        assertThat(backup.head(manifestKey)).isEmpty();
        byte[] stored = primary.get(manifestKey).orElseThrow().bytes();

        BaseFolder folder = folder();
        assertThat(folder.make(ACME, T0 + 1, OwnedPartitions.lease())).as("no second base at the same cut: the stored one is completed").isEmpty();
        assertThat(backup.get(manifestKey).orElseThrow().bytes()).isEqualTo(stored);
        durable(change(20, T0 + 5));
        BaseManifest next = folder.make(ACME, T0 + 6, OwnedPartitions.lease()).orElseThrow();
        assertThat(next.previous()).get().extracting(BaseManifest.PreviousBase::manifestSha256).isEqualTo(Sha256.of(stored));
        assertThat(rows(next)).containsExactly(10L, 20L);
        assertThat(counter("strata.sink.base.repairs")).isEqualTo(1);
        assertThat(counter("strata.sink.object.conflicts")).isZero();
    }

    @Test
    void copiesTheTableObjectsOfAOneRegionBaseThatTheOtherRegionLacks() {
        durable(change(10, T0));
        BaseManifest primaryOnly = folderStoringTo(primary, primary).make(ACME, T0 + 1, OwnedPartitions.lease()).orElseThrow();
        assertThat(backup.listAll(BackupLayout.basesPrefix(ACME), Optional.empty())).isEmpty();

        assertThat(folder().newestCut(ACME)).contains(primaryOnly.cut());
        for (BaseTable table : primaryOnly.tables()) {
            ObjectKey key = primaryOnly.tableKey(table);
            assertThat(backup.get(key).orElseThrow().bytes()).isEqualTo(primary.get(key).orElseThrow().bytes());
        }
        assertThat(backup.get(primaryOnly.objectKey()).orElseThrow().bytes()).isEqualTo(primary.get(primaryOnly.objectKey()).orElseThrow().bytes());
        assertThat(counter("strata.sink.base.repairs")).isEqualTo(1);
    }

    @Test
    void refusesToCompleteAOneRegionManifestThatIsNotTheSinksBytes() {
        durable(change(10, T0));
        BaseManifest primaryOnly = folderStoringTo(primary, primary).make(ACME, T0 + 1, OwnedPartitions.lease()).orElseThrow();
        primaryBucket.overwrite(primaryOnly.objectKey(), "forged".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> folder().make(ACME, T0 + 2, OwnedPartitions.lease())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ALARM").hasMessageContaining(primaryOnly.objectKey().value()).hasMessageContaining("restore-tool verify");
        assertThat(backup.listAll(BackupLayout.basesPrefix(ACME), Optional.empty())).isEmpty();
        assertThat(counter("strata.sink.base.repairs")).isZero();
    }

    @Test
    void leavesNoTableFileBehindAfterAnUploadOrAFailedOne() throws Exception {
        durable(change(10, T0));
        assertThatThrownBy(() -> folderStoringTo(primary, new ManifestWithheldStore(backup)).make(ACME, T0 + 1, OwnedPartitions.lease()))
                .hasStackTraceContaining("the fold is killed here");
        try (var left = java.nio.file.Files.list(spill)) {
            assertThat(left).as("work directories under the spill directory after a failed fold").isEmpty();
        }
        durable(change(20, T0 + 5));
        folder().make(ACME, T0 + 6, OwnedPartitions.lease()).orElseThrow();
        try (var left = java.nio.file.Files.list(spill)) {
            assertThat(left).as("work directories under the spill directory after a fold").isEmpty();
        }
    }

    @Test
    void refusesAPreviousBaseTableWhoseBytesAreNotItsManifestsAndLeavesNoFileBehind() throws Exception {
        durable(change(10, T0));
        BaseManifest first = folder().make(ACME, T0 + 1, OwnedPartitions.lease()).orElseThrow();
        BaseTable table = first.tables().get(0);
        ObjectKey key = first.tableKey(table);
        byte[] forged = primary.get(key).orElseThrow().bytes().clone();
        forged[forged.length / 2] ^= 1;
        primaryBucket.overwrite(key, forged);
        backupBucket.overwrite(key, forged);
        durable(change(20, T0 + 5));

        assertThatThrownBy(() -> folder().make(ACME, T0 + 6, OwnedPartitions.lease())).hasMessageContaining("ALARM")
                .hasMessageContaining(key + " matches its SHA-256 " + table.sha256() + " in neither region");
        assertThat(folder().newestCut(ACME)).contains(first.cut());
        try (var left = java.nio.file.Files.list(spill)) {
            assertThat(left).as("table files or work directories under the spill directory after the refusal").isEmpty();
        }
    }

    @Test
    void refusesToCopyATableObjectOfAOneRegionBaseThatIsNotItsManifestsBytes() throws Exception {
        durable(change(10, T0));
        BaseManifest primaryOnly = folderStoringTo(primary, primary).make(ACME, T0 + 1, OwnedPartitions.lease()).orElseThrow();
        ObjectKey key = primaryOnly.tableKey(primaryOnly.tables().get(0));
        byte[] forged = primary.get(key).orElseThrow().bytes().clone();
        forged[0] ^= 1;
        primaryBucket.overwrite(key, forged);

        assertThatThrownBy(() -> folder().newestCut(ACME)).hasMessageContaining("ALARM").hasMessageContaining(key.value());
        assertThat(backup.listAll(BackupLayout.basesPrefix(ACME), Optional.empty())).isEmpty();
        try (var left = java.nio.file.Files.list(spill)) {
            assertThat(left).as("a staged copy under the spill directory after the refusal").isEmpty();
        }
    }

    private double counter(String name) {
        return registry.find(name).counters().stream().mapToDouble(c -> c.count()).sum();
    }

    @Test
    void refusesALookbackShorterThanTheLayoutsSegmentSpan() {
        assertThatThrownBy(() -> new FoldWindow(T0, java.util.Set.of(), Duration.ofMinutes(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(SinkConfig.BASE_MAX_SEGMENT_SPAN_MS);
        assertThat(List.of(FoldWindow.first().listFromMicros())).containsExactly(0L);
    }
}

package dev.strata.sink;

import dev.strata.sink.ownership.OwnedPartitions;
import dev.strata.sink.base.BaseFolder;
import dev.strata.sink.base.BaseMetrics;
import dev.strata.sink.base.BaseSettings;
import dev.strata.sink.store.DualRegionUploader;
import dev.strata.sink.store.RegionReader;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.local.LocalKafka;
import dev.strata.local.LocalObjectStores;
import dev.strata.local.LocalRegion;
import dev.strata.local.LocalStackExtension;
import dev.strata.local.StoreRole;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.TestEvents;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.avro.Op;
import dev.strata.schemas.base.BaseManifest;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.BaseCut;
import dev.strata.schemas.layout.BaseManifestKey;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.store.ListedObject;
import dev.strata.schemas.store.ObjectStore;
import dev.strata.schemas.store.s3.S3ObjectStore;
import dev.strata.schemas.store.StoreCredentials;
import dev.strata.schemas.store.StoreLocation;
import dev.strata.schemas.store.VersionPolicy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fold killed before its manifest: no reader takes the table objects it left, and a restarted sink
 * (a separate JVM) completes the base at the same cut with the same bytes, without an object
 * conflict. The interrupted fold is made on purpose (the manifest put is refused), since a SIGKILL
 * between a fold's table objects and its manifest is a window of milliseconds; a real SIGKILL while
 * the restarted sink keeps folding follows, wherever it lands. Last, a fold that died between the two
 * regions' manifest puts: the restarted sink copies the primary's manifest, same bytes, to the backup.
 */
@ExtendWith(LocalStackExtension.class)
class BaseCrashIT {
    private static final TenantId ACME = BaseIT.ACME;

    @TempDir
    Path spill;

    @Test
    void aFoldKilledBeforeItsManifestIsIgnoredThenCompletedAtTheSameCutWithoutConflict(LocalKafka kafka, LocalObjectStores stores)
            throws Exception {
        try (SinkTestBed bed = new SinkTestBed(kafka, stores, "basecrash", 1)) {
            bed.produce(BaseIT.history(bed));
            try (SinkService sink = SinkService.start(SinkConfig.from(bed.sinkProperties()), new SimpleMeterRegistry(), Clock.systemUTC())) {
                bed.awaitAllCommitted(BaseIT.TIMEOUT); // default thresholds: no base in this run
            }
            long watermark = bed.watermarks().get("acme").durableCommitMicros();
            BaseCut interrupted = withheldFold(bed, new ManifestWithheldStore(writer(stores.primary(), bed.primaryBucket)),
                    new ManifestWithheldStore(writer(stores.backup(), bed.backupBucket)), watermark);

            ObjectStore primary = bed.primaryReader();
            ObjectStore backup = bed.backupReader();
            for (ObjectStore region : List.of(primary, backup)) {
                List<ObjectKey> left = baseObjects(region);
                assertThat(left).as("table objects of the interrupted fold in %s", region.describe()).isNotEmpty()
                        .noneMatch(k -> k.value().endsWith("base.manifest"));
            }
            assertThat(new RegionReader(primary, backup).completeBases(ACME)).as("a base without its manifest is no base").isEmpty();

            Properties eager = BaseIT.eagerBases(bed, spill);
            Path dir = LocalStackExtension.workDir().resolve("base-crash-" + bed.regime);
            try (SinkProcess sink = SinkProcess.start(dir, eager)) {
                SinkTestBed.await("the interrupted base completed in both regions", BaseIT.TIMEOUT,
                        () -> BaseIT.newestBase(primary, ACME).isPresent() && BaseIT.newestBase(backup, ACME).isPresent(),
                        () -> "; the sink's log ends with:\n" + sink.logTail());
                assertThat(BaseIT.newestBase(primary, ACME)).as("re-made at the same cut").contains(interrupted);
                assertThat(sink.log()).doesNotContain("ALARM").doesNotContainIgnoringCase("conflict");
            }
            assertWrittenOnce(primary);
            assertWrittenOnce(backup);

            // a real SIGKILL while a sink folds new log, then a restart: a complete base at the new cut, every key written once
            List<ChangeEvent> more = updates(400, SinkTestBed.BASE_COMMIT_MICROS + 9_000_000_000L, 9_000_000, "v");
            long lastCommit = more.get(more.size() - 1).getCommitTsMicros();
            try (SinkProcess first = SinkProcess.start(dir, eager)) {
                bed.produce(more);
                // capture's heartbeat after it: shows the last change's transaction whole, so the watermark reaches it
                bed.produce(List.of(TestEvents.heartbeat("acme", 10_000_000, lastCommit + 1)));
                SinkTestBed.await("an object of a newer base", BaseIT.TIMEOUT, () -> baseObjects(primary).stream()
                        .anyMatch(k -> cutOf(k).cutCommitMicros() > interrupted.cutCommitMicros()), () -> "; the sink's log ends with:\n" + first.logTail());
                first.crash();
                boolean midFold = BaseIT.newestBase(primary, ACME).equals(Optional.of(interrupted));
                System.out.println("BaseCrashIT: SIGKILL landed " + (midFold ? "between a fold's table objects and its manifest" : "after the fold completed"));
            }
            try (SinkProcess second = SinkProcess.start(dir, eager)) {
                bed.awaitAllCommitted(BaseIT.TIMEOUT);
                // in both regions: the two manifest puts run side by side, either may land first
                SinkTestBed.await("a complete base at the last watermark in both regions", BaseIT.TIMEOUT, () -> Stream.of(primary, backup)
                        .allMatch(region -> BaseIT.newestBase(region, ACME).filter(c -> c.cutCommitMicros() == lastCommit - 1).isPresent()),
                        () -> "; the sink's log ends with:\n" + second.logTail());
                assertThat(second.log()).doesNotContain("ALARM");
            }
            assertWrittenOnce(primary);
            assertWrittenOnce(backup);
            BaseCut cut = BaseIT.newestBase(primary, ACME).orElseThrow();
            BaseManifest base = BaseIT.manifest(primary, ACME, cut);
            assertThat(RenderedFold.of(primary, bed.bodies(), Optional.of(base), List.of(), cut.cutCommitMicros(), spill))
                    .isEqualTo(RenderedFold.of(primary, bed.bodies(), Optional.empty(), BaseIT.segmentKeys(primary, ACME), cut.cutCommitMicros(), spill));

            // a fold that died between the regions' manifest puts: the primary holds base.manifest, the backup not
            try (SinkService sink = SinkService.start(SinkConfig.from(bed.sinkProperties()), new SimpleMeterRegistry(), Clock.systemUTC())) {
                bed.produce(updates(200, SinkTestBed.BASE_COMMIT_MICROS + 12_000_000_000L, 12_000_000, "w"));
                bed.awaitAllCommitted(BaseIT.TIMEOUT); // default thresholds: no base in this run
            }
            BaseCut primaryOnly = withheldFold(bed, writer(stores.primary(), bed.primaryBucket),
                    new ManifestWithheldStore(writer(stores.backup(), bed.backupBucket)), bed.watermarks().get("acme").durableCommitMicros());
            assertThat(BaseIT.newestBase(primary, ACME)).contains(primaryOnly);
            assertThat(BaseIT.newestBase(backup, ACME)).contains(cut);
            try (SinkProcess sink = SinkProcess.start(dir, eager)) {
                // the copy lands before the sink logs it: wait for both
                SinkTestBed.await("the primary's base manifest copied to the backup", BaseIT.TIMEOUT,
                        () -> BaseIT.newestBase(backup, ACME).equals(Optional.of(primaryOnly)) && sink.logTail().contains("completed in both regions"),
                        () -> "; the sink's log ends with:\n" + sink.logTail());
                assertThat(sink.log()).doesNotContain("ALARM").doesNotContainIgnoringCase("conflict");
            }
            ObjectKey manifestKey = BackupLayout.baseManifest(new BaseManifestKey(ACME, primaryOnly));
            assertThat(backup.get(manifestKey).orElseThrow().bytes()).as("the same bytes, not a re-made manifest")
                    .isEqualTo(primary.get(manifestKey).orElseThrow().bytes());
            assertWrittenOnce(primary);
            assertWrittenOnce(backup);
        }
    }

    /** Folds with the writer keys as the sink would, through stores of which one or both refuse the manifest: the fold dies there. */
    private BaseCut withheldFold(SinkTestBed bed, ObjectStore primary, ObjectStore backup, long watermark) {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        BaseSettings settings = SinkConfig.from(BaseIT.eagerBases(bed, spill)).bases();
        try (DualRegionUploader uploader = new DualRegionUploader(new DualRegionUploader.Region("primary", primary),
                new DualRegionUploader.Region("backup", backup), 2, new SinkMetrics(registry, bed.regime), Clock.systemUTC())) {
            BaseFolder folder = new BaseFolder(new RegionReader(primary, backup), uploader, bed.bodies(), settings,
                    new BaseMetrics(registry, bed.regime, Clock.systemUTC()), Clock.systemUTC());
            assertThatThrownBy(() -> folder.make(ACME, watermark, OwnedPartitions.lease())).hasStackTraceContaining("the fold is killed here");
        } finally {
            primary.close();
            backup.close();
        }
        return baseObjects(bed.primaryReader()).stream().map(BaseCrashIT::cutOf).max(BaseCut::compareTo).orElseThrow();
    }

    private static ObjectStore writer(LocalRegion region, String bucket) {
        return S3ObjectStore.open(new StoreLocation(region.endpoint(), bucket, region.signingRegion()),
                StoreCredentials.fromFile(region.credentialsFile(StoreRole.WRITER)), VersionPolicy.LATEST_VERSION);
    }

    private static List<ObjectKey> baseObjects(ObjectStore store) {
        return store.listAll(BackupLayout.basesPrefix(ACME), Optional.empty()).map(ListedObject::key).toList();
    }

    private static BaseCut cutOf(ObjectKey key) {
        return key.value().endsWith("/base.manifest") ? BackupLayout.parseBaseManifest(key).cut() : BackupLayout.parseBase(key).cut();
    }

    private static void assertWrittenOnce(ObjectStore store) {
        for (ObjectKey key : baseObjects(store)) {
            assertThat(store.versions(key)).as("%s written once (a second version would be an overwrite)", key).hasSize(1);
        }
    }

    /** Updates of keys 0..count-1 committed from {@code firstCommit}, one millisecond apart, with LSNs and event ids of their own. */
    private static List<ChangeEvent> updates(int count, long firstCommit, long firstLsn, String idPrefix) {
        List<ChangeEvent> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ChangeEvent insert = SinkTestBed.event("acme", i, 0);
            events.add(ChangeEvent.newBuilder(insert).setOp(Op.UPDATE).setLsn(firstLsn + i).setTxId(firstLsn + i)
                    .setCommitTsMicros(firstCommit + i * 1_000L).setBefore(insert.getAfter()).setEventId("acme:" + idPrefix + i).build());
        }
        return events;
    }
}

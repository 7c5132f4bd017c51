package dev.strata.restore;

import static dev.strata.schemas.testing.Changes.insert;
import static dev.strata.schemas.testing.Changes.update;
import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.local.LocalObjectStores;
import dev.strata.local.LocalRegion;
import dev.strata.local.LocalStackExtension;
import dev.strata.local.StoreRole;
import dev.strata.restore.plan.RestoreTime;
import dev.strata.restore.testing.LocalStores;
import dev.strata.restore.testing.SinkBackup;
import dev.strata.restore.testing.ToolRun;
import dev.strata.schemas.Sha256;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.UtcHour;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.layout.SegmentKey;
import dev.strata.schemas.manifest.ManifestCodec;
import dev.strata.schemas.store.ObjectStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectVersion;

/**
 * What an attacker with the ADMIN key of a bucket WITHOUT Object Lock can do, and what a writer
 * key can do to a locked one (a second version): restore notices, names the object, and reads
 * around it from the other region where it can; and a segment of one tenant filed, with the writer
 * key, under another tenant is refused by replay and verify, naming it.
 */
@ExtendWith(LocalStackExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TamperIT {
    private static final String PRIMARY = "tamper-primary";
    private static final String BACKUP = "tamper-backup";
    private static final long START = RestoreTime.parse("2026-11-21T08:20:00Z");
    private static final long H = 3_600_000_000L;

    private LocalObjectStores stores;
    private Path config;
    private Path work;
    private final Map<String, List<ObjectKey>> segments = new HashMap<>();
    private ObjectKey plantedBeforeSealing;
    private double foreignObjectsSeen;

    @BeforeAll
    void backUpFourTenants(LocalObjectStores stores) throws Exception {
        this.stores = stores;
        stores.primary().createUnlockedBucket(PRIMARY);
        stores.backup().createUnlockedBucket(BACKUP);
        work = Files.createTempDirectory(LocalStackExtension.workDir(), "tamper");
        try (ObjectStore p = LocalStores.writer(stores.primary(), PRIMARY); ObjectStore b = LocalStores.writer(stores.backup(), BACKUP);
             SinkBackup sink = new SinkBackup(p, b, work)) {
            for (String tenant : List.of("gone-primary", "bad-primary", "bad-both", "overwritten", "eff", "tamper", "victim")) {
                List<ChangeEvent> events = new ArrayList<>();
                for (int i = 0; i < 40; i++) {
                    long t = START + i * (H / 20);
                    events.add(i % 4 == 3 ? update(tenant, "public.items", t, 100 + i, i / 4, "u" + i)
                            : insert(tenant, "public.items", t, 100 + i, i, "i" + i));
                }
                segments.put(tenant, sink.write(events, SinkBackup.everyNEvents(6)));
            }
            // eff's first segment under victim's log, in an hour the sealer is about to seal, on eff's own
            // partition and offsets (committed ones): the sealer must read it to know it is not victim's
            plantedBeforeSealing = plantInBothRegions(segments.get("eff").get(0), TenantId.of("victim"), 0);
            sink.seal(Optional.of(UtcHour.containing(START + 2 * H)));
            foreignObjectsSeen = sink.foreignObjects();
        }
        Properties props = LocalStores.regime("eu", stores.primary(), PRIMARY, stores.backup(), BACKUP);
        config = LocalStores.write(props, work);
    }

    @Test
    void anObjectRemovedFromThePrimaryIsReadFromTheBackupAndSaidSo() throws Exception {
        ObjectKey removed = segments.get("gone-primary").get(2);
        try (S3Client admin = stores.primary().newS3Client(StoreRole.ADMIN)) {
            deleteEveryVersion(admin, PRIMARY, removed);
        }
        Path out = work.resolve("gone-primary.ndjson");
        ToolRun r = ToolRun.run(config, "replay", "--tenant", "gone-primary", "--until", "latest", "--target", "ndjson", "--to", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("1 from backup").contains("note: read " + removed + " from backup").contains("primary lacks it");
        assertThat(Files.readAllLines(out)).hasSize(32);
    }

    @Test
    void anObjectAlteredInThePrimaryFailsVerifyAndIsReadFromTheBackup() throws Exception {
        ObjectKey altered = segments.get("bad-primary").get(1);
        alter(stores.primary(), PRIMARY, altered);
        ToolRun verify = ToolRun.run(config, "verify", "--tenant", "bad-primary");
        assertThat(verify.code()).isEqualTo(ExitCodes.VERIFICATION_FAILED);
        assertThat(verify.err()).contains(altered.value()).contains("primary").contains("tampered or corrupt");
        Path out = work.resolve("bad-primary.ndjson");
        ToolRun replay = ToolRun.run(config, "replay", "--tenant", "bad-primary", "--until", "latest", "--target", "ndjson", "--to", out.toString());
        assertThat(replay.code()).as(replay.err()).isZero();
        assertThat(replay.out()).contains("note: read " + altered + " from backup").contains("but its manifest says");
    }

    @Test
    void anObjectAlteredInBothRegionsStopsVerifyAndReplayWithExit3() throws Exception {
        ObjectKey altered = segments.get("bad-both").get(3);
        alter(stores.primary(), PRIMARY, altered);
        alter(stores.backup(), BACKUP, altered);
        ToolRun verify = ToolRun.run(config, "verify", "--tenant", "bad-both");
        assertThat(verify.code()).isEqualTo(ExitCodes.VERIFICATION_FAILED);
        assertThat(verify.out()).contains("FAILED: " + altered).contains("backup");
        Path out = work.resolve("bad-both.ndjson");
        ToolRun replay = ToolRun.run(config, "replay", "--tenant", "bad-both", "--until", "latest", "--target", "ndjson", "--to", out.toString());
        assertThat(replay.code()).isEqualTo(ExitCodes.VERIFICATION_FAILED);
        assertThat(replay.err()).contains("verification failed: object " + altered).contains("altered or corrupt in every region");
        assertThat(out).doesNotExist();
    }

    @Test
    void anOverwriteWithTheWriterKeyIsFlaggedAndChangesNothingRestored() throws Exception {
        ObjectKey target = segments.get("overwritten").get(0);
        try (S3Client writer = stores.primary().newS3Client(StoreRole.WRITER)) {
            writer.putObject(r -> r.bucket(PRIMARY).key(target.value()), RequestBody.fromBytes("evil".getBytes()));
        }
        ToolRun verify = ToolRun.run(config, "verify", "--tenant", "overwritten");
        assertThat(verify.code()).isEqualTo(ExitCodes.VERIFICATION_FAILED);
        assertThat(verify.err()).contains(target.value()).contains("has 2 versions").contains("restore reads the first version");
        Path out = work.resolve("overwritten.ndjson");
        ToolRun replay = ToolRun.run(config, "replay", "--tenant", "overwritten", "--until", "latest", "--target", "ndjson", "--to", out.toString());
        assertThat(replay.code()).as(replay.err()).isZero();
        assertThat(replay.out()).contains("0 from backup").contains("note: the latest version of " + target)
                .contains("is not the one its manifest names (overwritten?): read its first version instead");
        assertThat(Files.readAllLines(out)).hasSize(32);
    }

    @Test
    void anotherTenantsSegmentPlantedWithTheWriterKeyStopsReplayAndVerifyWithExit3() throws Exception {
        ObjectKey planted = plantInBothRegions(segments.get("eff").get(segments.get("eff").size() - 1), TenantId.of("tamper"), 7);
        ToolRun verify = ToolRun.run(config, "verify", "--tenant", "tamper");
        assertThat(verify.code()).as(verify.out() + verify.err()).isEqualTo(ExitCodes.VERIFICATION_FAILED);
        assertThat(verify.out()).contains("FAILED: segment " + planted + " is filed under tenant tamper but its event 0 belongs to"
                + " tenant 'eff'").contains("rotate the regime's writer key");
        Path out = work.resolve("tamper.ndjson");
        ToolRun replay = ToolRun.run(config, "replay", "--tenant", "tamper", "--until", "latest", "--target", "ndjson", "--to", out.toString());
        assertThat(replay.code()).as(replay.out() + replay.err()).isEqualTo(ExitCodes.VERIFICATION_FAILED);
        assertThat(replay.err()).contains(planted.value()).contains("tenant 'eff'").contains("restore-tool verify --tenant tamper")
                .contains("rotate the regime's writer key");
        assertThat(out).doesNotExist();
        ToolRun own = ToolRun.run(config, "replay", "--tenant", "eff", "--until", "latest", "--target", "ndjson", "--to",
                work.resolve("eff.ndjson").toString());
        assertThat(own.code()).as(own.err()).isZero();
    }

    @Test
    void theSinksSealerLeavesAnotherTenantsSegmentOutOfTheManifestAndVerifyNamesIt() throws Exception {
        List<ObjectKey> named = new ArrayList<>();
        try (ObjectStore p = LocalStores.writer(stores.primary(), PRIMARY)) {
            p.listAll(BackupLayout.manifestsPrefix(TenantId.of("victim")), Optional.empty()).forEach(m -> ManifestCodec
                    .decode(p.get(m.key()).orElseThrow().bytes()).entries().forEach(e -> named.add(e.key())));
        }
        UtcHour open = UtcHour.containing(START + 2 * H);
        List<ObjectKey> ownSealed = segments.get("victim").stream()
                .filter(k -> BackupLayout.parseSegment(k).hour().compareTo(open) < 0).toList();
        assertThat(ownSealed).isNotEmpty();
        assertThat(named).containsAll(ownSealed).doesNotContain(plantedBeforeSealing);
        assertThat(foreignObjectsSeen).isEqualTo(1);
        ToolRun verify = ToolRun.run(config, "verify", "--tenant", "victim");
        assertThat(verify.code()).as(verify.out() + verify.err()).isEqualTo(ExitCodes.VERIFICATION_FAILED);
        assertThat(verify.out()).contains("FAILED: segment " + plantedBeforeSealing + " is filed under tenant victim");
    }

    /**
     * What the writer key allows: {@code source}'s bytes, with the SHA-256 its writer declared, put under
     * {@code victim}'s log in the same hour, in both regions, with {@code source}'s offsets on {@code partition}.
     */
    private ObjectKey plantInBothRegions(ObjectKey source, TenantId victim, int partition) {
        SegmentKey from = BackupLayout.parseSegment(source);
        ObjectKey planted = BackupLayout.segment(new SegmentKey(victim, from.minCommitMicros(), from.maxCommitMicros(), partition,
                from.firstOffset(), from.lastOffset()));
        for (LocalRegion region : List.of(stores.primary(), stores.backup())) {
            String bucket = region == stores.primary() ? PRIMARY : BACKUP;
            try (S3Client writer = region.newS3Client(StoreRole.WRITER)) {
                byte[] bytes = writer.getObjectAsBytes(r -> r.bucket(bucket).key(source.value())).asByteArray();
                String declared = writer.headObject(r -> r.bucket(bucket).key(source.value())).metadata().get("sha256");
                writer.putObject(r -> r.bucket(bucket).key(planted.value()).metadata(Map.of("sha256", declared)),
                        RequestBody.fromBytes(bytes));
            }
        }
        return planted;
    }

    /**
     * Without a lock, the bucket owner (admin) may delete every version; the writer key then puts
     * other bytes under the key, claiming the old SHA-256. (The admin cannot read objects the writer
     * owns: S3 object ACLs.)
     */
    private static void alter(LocalRegion region, String bucket, ObjectKey key) {
        try (S3Client admin = region.newS3Client(StoreRole.ADMIN); S3Client writer = region.newS3Client(StoreRole.WRITER)) {
            byte[] original = writer.getObjectAsBytes(r -> r.bucket(bucket).key(key.value())).asByteArray();
            String declared = writer.headObject(r -> r.bucket(bucket).key(key.value())).metadata().get("sha256");
            deleteEveryVersion(admin, bucket, key);
            byte[] altered = original.clone();
            altered[altered.length - 20] ^= 0x01;
            writer.putObject(r -> r.bucket(bucket).key(key.value()).metadata(Map.of("sha256", declared)), RequestBody.fromBytes(altered));
            assertThat(Sha256.of(altered).hex()).isNotEqualTo(declared);
        }
    }

    private static void deleteEveryVersion(S3Client admin, String bucket, ObjectKey key) {
        for (ObjectVersion v : admin.listObjectVersions(r -> r.bucket(bucket).prefix(key.value())).versions()) {
            admin.deleteObject(r -> r.bucket(bucket).key(v.key()).versionId(v.versionId()));
        }
    }
}

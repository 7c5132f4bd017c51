package dev.strata.restore;

import static dev.strata.schemas.testing.Changes.insert;
import static dev.strata.schemas.testing.Changes.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.local.LocalObjectStores;
import dev.strata.local.LocalRegion;
import dev.strata.local.LocalStackExtension;
import dev.strata.local.StoreRole;
import dev.strata.restore.plan.RestoreTime;
import dev.strata.restore.testing.LocalStores;
import dev.strata.restore.testing.SinkBackup;
import dev.strata.restore.testing.ToolRun;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.UtcHour;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.base.BaseManifest;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.layout.SegmentKey;
import dev.strata.schemas.retention.PolicyRetention;
import dev.strata.schemas.retention.RetentionKeys;
import dev.strata.schemas.retention.RetentionPolicies;
import dev.strata.schemas.retention.RetentionPolicy;
import dev.strata.schemas.store.ObjectStore;
import dev.strata.schemas.store.StoreCredentials;
import dev.strata.schemas.store.StoreLocation;
import dev.strata.schemas.store.VersionPolicy;
import dev.strata.schemas.store.s3.S3ObjectStore;
import dev.strata.schemas.store.s3.StoreTimeouts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectLockRetentionMode;
import software.amazon.awssdk.services.s3.model.ObjectVersion;

/**
 * Retention on two real RGW regions: the sink's writes lock each object for a window of seconds; {@code expire}
 * leaves what is still locked, then deletes in both regions exactly what no kept point needs; the kept points
 * restore as before and verify from the kept manifests on; the expire key cannot put or touch a lock, the
 * writer cannot delete, and a delete the store refuses is an error of the run.
 */
@ExtendWith(LocalStackExtension.class)
class ExpiryIT {
    private static final TenantId ACME = TenantId.of("acme");
    private static final String TABLE = "public.items";
    private static final Duration WINDOW = Duration.ofSeconds(8);
    private static final Duration MARGIN = Duration.ofSeconds(1);
    private static final long H = 3_600_000_000L;
    private static final long MIN = 60_000_000L;

    private long lsn = 1_000;

    @Test
    void expiresWhatNoKeptPointNeedsInBothRegionsOnceItsLockPassed(LocalObjectStores stores) throws Exception {
        String name = "expiry-" + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 24), 36);
        String primaryBucket = name + "-primary";
        String backupBucket = name + "-backup";
        stores.primary().createLockedBucket(primaryBucket);
        stores.backup().createLockedBucket(backupBucket);
        Path work = Files.createTempDirectory(LocalStackExtension.workDir(), "expiry");
        Path config = LocalStores.write(toolConfig(stores, primaryBucket, backupBucket), work);
        long now = micros(Instant.now());
        BaseManifest anchor;
        List<ObjectKey> oldLog = new ArrayList<>();
        ObjectKey oldBase;
        Instant oldLocksPass;
        long recent;
        try (ObjectStore p = writer(stores.primary(), primaryBucket); ObjectStore b = writer(stores.backup(), backupBucket);
             SinkBackup sink = new SinkBackup(p, b, work)) {
            // phase 1: three hours of history, a base after the second and one after the third, the hours sealed
            oldLog.addAll(sink.write(history(now - 3 * H, 0), SinkBackup.everyNEvents(5)));
            oldLog.addAll(sink.write(history(now - 2 * H, 100), SinkBackup.everyNEvents(5)));
            oldLog.addAll(sink.write(history(now - H, 200), SinkBackup.everyNEvents(5)));
            sink.seal(Optional.of(UtcHour.containing(now)));
            oldBase = sink.base(ACME, now - 2 * H + 30 * MIN).objectKey();
            anchor = sink.base(ACME, now - H + 30 * MIN);
            oldLocksPass = Instant.now().plus(WINDOW).plus(MARGIN);

            ToolRun early = ToolRun.run(config, "expire", "--regime", "eu");
            assertThat(early.code()).as(early.err()).isZero();
            assertThat(early.out()).contains("anchor base " + RestoreTime.format(anchor.cut().cutCommitMicros()))
                    .contains("deleted 0 versions").contains("held by their lock until");
            ToolRun refused = ToolRun.run(Clock.offset(Clock.systemUTC(), Duration.ofMinutes(5)), config, "expire", "--regime", "eu");
            assertThat(refused.code()).as("a delete the store refuses is an error, never hidden").isEqualTo(ExitCodes.FAILED);
            assertThat(refused.err()).contains("cannot delete " + oldBase).contains("access denied (403");
            hostileKeysAreRefused(stores.primary(), primaryBucket, oldBase);

            Thread.sleep(Math.max(0, Duration.between(Instant.now(), oldLocksPass).toMillis() + 500));
            // phase 2: changes of the window, and a base inside it
            recent = micros(Instant.now()) - 2_000_000;
            sink.write(List.of(update(ACME.value(), TABLE, recent, lsn++, 3, "recent"),
                    insert(ACME.value(), TABLE, recent + 1_000, lsn++, 999, "recent")), SinkBackup.everyNEvents(5));
        }
        String inWindow = RestoreTime.format(recent + 1_000);
        String anchorPoint = RestoreTime.format(anchor.cut().cutCommitMicros());
        List<String> beforeInWindow = replay(config, work, inWindow, "before-in-window");
        List<String> beforeAnchor = replay(config, work, anchorPoint, "before-anchor");

        ToolRun dryRun = ToolRun.run(config, "expire", "--regime", "eu", "--dry-run");
        assertThat(dryRun.code()).as(dryRun.err()).isZero();
        assertThat(dryRun.out()).contains("tenant acme:").contains("retention: window PT8S, daily 0, weekly 0, monthly 0")
                .contains("kept base " + anchorPoint + ": anchor")
                .containsPattern("would expire [1-9][0-9]* objects, [1-9][0-9]* bytes");
        assertThat(versions(stores.primary(), primaryBucket, oldBase)).as("a dry run deletes nothing").isNotEmpty();

        ToolRun expire = ToolRun.run(config, "expire", "--regime", "eu");
        assertThat(expire.code()).as(expire.err()).isZero();
        assertThat(expire.out()).containsPattern("primary: deleted [1-9][0-9]* versions").containsPattern("backup: deleted [1-9][0-9]* versions");

        ObjectKey oldestManifest = BackupLayout.manifest(new dev.strata.schemas.layout.ManifestKey(ACME, UtcHour.containing(now - 3 * H), 0));
        List<ObjectKey> gone = new ArrayList<>(oldLog.stream()
                .filter(k -> BackupLayout.parseSegment(k).maxCommitMicros() < anchor.cut().cutCommitMicros()).toList());
        gone.add(oldBase);
        gone.add(oldestManifest);
        for (LocalRegion region : stores.regions()) {
            String bucket = region == stores.primary() ? primaryBucket : backupBucket;
            for (ObjectKey key : gone) {
                assertThat(versions(region, bucket, key)).as("%s in %s", key, region.name()).isEmpty();
            }
            assertThat(versions(region, bucket, anchor.objectKey())).as("the anchor in %s", region.name()).hasSize(1);
        }
        assertThat(replay(config, work, inWindow, "after-in-window")).as("a point inside the window").isEqualTo(beforeInWindow);
        assertThat(replay(config, work, anchorPoint, "after-anchor")).as("the anchor's point").isEqualTo(beforeAnchor);
        ToolRun verify = ToolRun.run(config, "verify", "--tenant", "acme");
        assertThat(verify.code()).as(verify.out() + verify.err()).isZero();
        assertThat(verify.out()).contains("the manifest chain starts at").contains("verify: OK");
        ToolRun points = ToolRun.run(config, "list", "points", "--tenant", "acme");
        assertThat(points.code()).as(points.err()).isZero();
        assertThat(points.out()).contains("retention: window PT8S").contains("anchor base " + anchorPoint)
                .contains("kept base " + anchorPoint + ": anchor");
    }

    /** Ten changes over ten minutes from {@code start}: inserts of ids base..base+6, then updates. */
    private List<ChangeEvent> history(long start, int base) {
        List<ChangeEvent> events = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            long t = start + i * MIN;
            events.add(i < 7 ? insert(ACME.value(), TABLE, t, lsn++, base + i, "v" + i) : update(ACME.value(), TABLE, t, lsn++, base + i - 7, "u" + i));
        }
        return events;
    }

    /** The expire key may not put nor touch a lock, nor delete a locked version; the writer may delete nothing. */
    private static void hostileKeysAreRefused(LocalRegion region, String bucket, ObjectKey locked) {
        String version = versions(region, bucket, locked).get(0).versionId();
        try (S3Client expire = region.newS3Client(StoreRole.EXPIRE); S3Client writer = region.newS3Client(StoreRole.WRITER)) {
            assertDenied(() -> expire.putObject(r -> r.bucket(bucket).key(BackupLayout.ROOT + "tenants/acme/planted"),
                    RequestBody.fromString("x")));
            assertDenied(() -> expire.putObjectRetention(r -> r.bucket(bucket).key(locked.value()).versionId(version)
                    .retention(l -> l.mode(ObjectLockRetentionMode.COMPLIANCE).retainUntilDate(Instant.now().plusSeconds(1)))));
            assertDenied(() -> expire.deleteObject(r -> r.bucket(bucket).key(locked.value()).versionId(version)));
            assertDenied(() -> expire.deleteObject(r -> r.bucket(bucket).key(locked.value()).versionId(version)
                    .bypassGovernanceRetention(true)));
            assertDenied(() -> writer.deleteObject(r -> r.bucket(bucket).key(locked.value()).versionId(version)));
        }
    }

    private static void assertDenied(Runnable call) {
        assertThatThrownBy(call::run).isInstanceOf(SdkServiceException.class)
                .satisfies(e -> assertThat(((SdkServiceException) e).statusCode()).isEqualTo(403));
    }

    private static List<ObjectVersion> versions(LocalRegion region, String bucket, ObjectKey key) {
        try (S3Client admin = region.newS3Client(StoreRole.ADMIN)) {
            return admin.listObjectVersions(r -> r.bucket(bucket).prefix(key.value())).versions().stream()
                    .filter(v -> v.key().equals(key.value())).toList();
        }
    }

    private static List<String> replay(Path config, Path work, String until, String name) throws Exception {
        Path out = work.resolve(name + ".ndjson");
        ToolRun r = ToolRun.run(config, "replay", "--tenant", "acme", "--until", until, "--target", "ndjson", "--to", out.toString());
        assertThat(r.code()).as("replay --until %s: %s", until, r.err()).isZero();
        return Files.readAllLines(out).stream().sorted().toList();
    }

    private static ObjectStore writer(LocalRegion region, String bucket) {
        RetentionPolicies policy = RetentionPolicies.uniform(new RetentionPolicy(WINDOW, 0, 0, 0), MARGIN);
        return S3ObjectStore.open(new StoreLocation(region.endpoint(), bucket, region.signingRegion()),
                StoreCredentials.fromFile(region.credentialsFile(StoreRole.WRITER)), VersionPolicy.LATEST_VERSION, StoreTimeouts.DEFAULT,
                new PolicyRetention("eu", policy, Clock.systemUTC()));
    }

    private static Properties toolConfig(LocalObjectStores stores, String primaryBucket, String backupBucket) {
        Properties p = LocalStores.regime("eu", stores.primary(), primaryBucket, stores.backup(), backupBucket);
        p.setProperty("strata.regime.eu.primary." + ToolConfig.EXPIRE_CREDENTIALS_FILE, stores.primary().credentialsFile(StoreRole.EXPIRE).toString());
        p.setProperty("strata.regime.eu.backup." + ToolConfig.EXPIRE_CREDENTIALS_FILE, stores.backup().credentialsFile(StoreRole.EXPIRE).toString());
        p.setProperty(RetentionKeys.WINDOW_MS, Long.toString(WINDOW.toMillis()));
        p.setProperty(RetentionKeys.DAILY, "0");
        p.setProperty(RetentionKeys.WEEKLY, "0");
        p.setProperty(RetentionKeys.MONTHLY, "0");
        return p;
    }

    private static long micros(Instant instant) {
        return instant.getEpochSecond() * 1_000_000 + instant.getNano() / 1_000;
    }
}

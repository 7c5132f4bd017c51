package dev.strata.local;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.DefaultRetention;
import software.amazon.awssdk.services.s3.model.ObjectLockEnabled;
import software.amazon.awssdk.services.s3.model.ObjectLockRetentionMode;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.net.ConnectException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(LocalStackExtension.class)
class LocalObjectStoresIT {

    @Test
    void lockedBucketIsVersionedWithComplianceDefaultRetention(LocalObjectStores stores) {
        LocalRegion region = stores.primary();
        region.createLockedBucket("it-lock-defaults");
        try (S3Client admin = region.newS3Client(StoreRole.ADMIN); S3Client reader = region.newS3Client(StoreRole.READER);
             S3Client writer = region.newS3Client(StoreRole.WRITER)) {
            assertThat(admin.getBucketVersioning(r -> r.bucket("it-lock-defaults")).status()).isEqualTo(BucketVersioningStatus.ENABLED);
            var lock = admin.getObjectLockConfiguration(r -> r.bucket("it-lock-defaults")).objectLockConfiguration();
            assertThat(lock.objectLockEnabled()).isEqualTo(ObjectLockEnabled.ENABLED);
            DefaultRetention retention = lock.rule().defaultRetention();
            assertThat(retention.mode()).isEqualTo(ObjectLockRetentionMode.COMPLIANCE);
            assertThat(retention.days()).isEqualTo(LocalRegion.DEFAULT_RETENTION_DAYS);

            // a plain PUT by the writer gets the default retention, as the reader can see
            String version = writer.putObject(r -> r.bucket("it-lock-defaults").key("seg-1"), RequestBody.fromString("segment")).versionId();
            var applied = reader.getObjectRetention(r -> r.bucket("it-lock-defaults").key("seg-1").versionId(version)).retention();
            assertThat(applied.mode()).isEqualTo(ObjectLockRetentionMode.COMPLIANCE);
            assertThat(applied.retainUntilDate()).isAfter(Instant.now().plus(23, ChronoUnit.HOURS));
        }
    }

    @Test
    void writerIsDeniedDeleteAndBucketChanges(LocalObjectStores stores) {
        LocalRegion region = stores.primary();
        region.createLockedBucket("it-writer");
        try (S3Client writer = region.newS3Client(StoreRole.WRITER)) {
            String version = writer.putObject(r -> r.bucket("it-writer").key("seg-1"), RequestBody.fromString("segment")).versionId();
            assertThat(writer.getObjectAsBytes(r -> r.bucket("it-writer").key("seg-1")).asUtf8String()).isEqualTo("segment");
            assertThat(writer.listObjectsV2(r -> r.bucket("it-writer")).keyCount()).isEqualTo(1);

            assertAccessDenied(() -> writer.deleteObject(r -> r.bucket("it-writer").key("seg-1")));
            assertAccessDenied(() -> writer.deleteObject(r -> r.bucket("it-writer").key("seg-1").versionId(version)));
            assertAccessDenied(() -> writer.putBucketVersioning(r -> r.bucket("it-writer")
                    .versioningConfiguration(v -> v.status(BucketVersioningStatus.SUSPENDED))));
            assertAccessDenied(() -> writer.putObjectRetention(r -> r.bucket("it-writer").key("seg-1").versionId(version)
                    .retention(t -> t.mode(ObjectLockRetentionMode.COMPLIANCE).retainUntilDate(Instant.now().plus(2, ChronoUnit.DAYS)))));
            assertAccessDenied(() -> writer.deleteBucket(r -> r.bucket("it-writer")));
        }
    }

    @Test
    void readerIsDeniedPut(LocalObjectStores stores) {
        LocalRegion region = stores.primary();
        region.createLockedBucket("it-reader");
        try (S3Client admin = region.newS3Client(StoreRole.ADMIN); S3Client reader = region.newS3Client(StoreRole.READER)) {
            admin.putObject(r -> r.bucket("it-reader").key("seg-1"), RequestBody.fromString("segment"));
            assertThat(reader.getObjectAsBytes(r -> r.bucket("it-reader").key("seg-1")).asUtf8String()).isEqualTo("segment");
            assertThat(reader.listObjectVersions(r -> r.bucket("it-reader")).versions()).hasSize(1);

            assertAccessDenied(() -> reader.putObject(r -> r.bucket("it-reader").key("seg-2"), RequestBody.fromString("forged")));
            assertAccessDenied(() -> reader.deleteObject(r -> r.bucket("it-reader").key("seg-1")));
        }
    }

    @Test
    void drillMayPutReportsUnderDrillsOnlyAndTheReaderMayNot(LocalObjectStores stores) {
        LocalRegion region = stores.primary();
        region.createLockedBucket("it-drill");
        String report = "strata/v1/drills/acme/20260101T000000.000000Z.json";
        try (S3Client admin = region.newS3Client(StoreRole.ADMIN); S3Client drill = region.newS3Client(StoreRole.DRILL);
             S3Client reader = region.newS3Client(StoreRole.READER)) {
            admin.putObject(r -> r.bucket("it-drill").key("strata/v1/tenants/acme/log/seg-1"), RequestBody.fromString("segment"));

            drill.putObject(r -> r.bucket("it-drill").key(report), RequestBody.fromString("{\"result\":\"PASS\"}"));
            assertThat(drill.getObjectAsBytes(r -> r.bucket("it-drill").key("strata/v1/tenants/acme/log/seg-1")).asUtf8String())
                    .isEqualTo("segment");
            assertThat(drill.listObjectVersions(r -> r.bucket("it-drill")).versions()).hasSize(2);

            assertAccessDenied(() -> drill.putObject(r -> r.bucket("it-drill").key("strata/v1/tenants/acme/log/seg-2"),
                    RequestBody.fromString("forged")));
            assertAccessDenied(() -> drill.putObject(r -> r.bucket("it-drill").key("strata/v1/drillsX/acme/x.json"),
                    RequestBody.fromString("forged")));
            assertAccessDenied(() -> drill.deleteObject(r -> r.bucket("it-drill").key(report)));
            assertAccessDenied(() -> reader.putObject(r -> r.bucket("it-drill").key("strata/v1/drills/acme/20260101T000001.000000Z.json"),
                    RequestBody.fromString("forged")));
        }
    }

    @Test
    void complianceLockedVersionSurvivesAdminDeleteAndOverwrite(LocalObjectStores stores) {
        LocalRegion region = stores.primary();
        region.createLockedBucket("it-compliance");
        try (S3Client admin = region.newS3Client(StoreRole.ADMIN)) {
            String first = admin.putObject(r -> r.bucket("it-compliance").key("seg-1"), RequestBody.fromString("original")).versionId();

            assertAccessDenied(() -> admin.deleteObject(r -> r.bucket("it-compliance").key("seg-1").versionId(first)));
            assertAccessDenied(() -> admin.deleteObject(r -> r.bucket("it-compliance").key("seg-1").versionId(first)
                    .bypassGovernanceRetention(true)));
            String second = admin.putObject(r -> r.bucket("it-compliance").key("seg-1"), RequestBody.fromString("overwrite")).versionId();

            assertThat(second).isNotEqualTo(first);
            assertThat(admin.getObjectAsBytes(r -> r.bucket("it-compliance").key("seg-1")).asUtf8String()).isEqualTo("overwrite");
            assertThat(admin.getObjectAsBytes(r -> r.bucket("it-compliance").key("seg-1").versionId(first)).asUtf8String())
                    .isEqualTo("original");
        }
    }

    @Test
    void unlockedBucketIsVersionedButLetsTheOwnerDeleteVersions(LocalObjectStores stores) {
        LocalRegion region = stores.primary();
        region.createUnlockedBucket("it-unlocked");
        try (S3Client admin = region.newS3Client(StoreRole.ADMIN); S3Client writer = region.newS3Client(StoreRole.WRITER)) {
            assertThat(admin.getBucketVersioning(r -> r.bucket("it-unlocked")).status()).isEqualTo(BucketVersioningStatus.ENABLED);
            String version = writer.putObject(r -> r.bucket("it-unlocked").key("seg-1"), RequestBody.fromString("segment")).versionId();
            assertAccessDenied(() -> writer.deleteObject(r -> r.bucket("it-unlocked").key("seg-1").versionId(version)));

            admin.deleteObject(r -> r.bucket("it-unlocked").key("seg-1").versionId(version));

            assertThat(admin.listObjectVersions(r -> r.bucket("it-unlocked")).versions()).isEmpty();
        }
    }

    @Test
    void keyStoreBucketComesUnlockedAndUnversionedAndOnlyTheKeyAdminDestroysAKey(LocalObjectStores stores) {
        LocalRegion region = stores.primary();
        region.createLockedBucket("it-keys");
        String keys = "it-keys" + LocalRegion.KEYS_BUCKET_SUFFIX;
        try (S3Client admin = region.newS3Client(StoreRole.ADMIN); S3Client writer = region.newS3Client(StoreRole.WRITER);
             S3Client reader = region.newS3Client(StoreRole.READER); S3Client drill = region.newS3Client(StoreRole.DRILL);
             S3Client expire = region.newS3Client(StoreRole.EXPIRE); S3Client keyAdmin = region.newS3Client(StoreRole.KEY_ADMIN)) {
            assertThat(admin.getBucketVersioning(r -> r.bucket(keys)).status()).isNull();
            writer.putObject(r -> r.bucket(keys).key("strata/v1/keys/acme/202612-01.key"), RequestBody.fromString("wrapped"));

            assertThat(reader.getObjectAsBytes(r -> r.bucket(keys).key("strata/v1/keys/acme/202612-01.key")).asUtf8String())
                    .isEqualTo("wrapped");
            assertThat(drill.listObjectsV2(r -> r.bucket(keys)).contents()).hasSize(1);
            assertAccessDenied(() -> writer.deleteObject(r -> r.bucket(keys).key("strata/v1/keys/acme/202612-01.key")));
            assertAccessDenied(() -> reader.putObject(r -> r.bucket(keys).key("strata/v1/keys/acme/202612-02.key"),
                    RequestBody.fromString("made up")));
            assertAccessDenied(() -> drill.putObject(r -> r.bucket(keys).key("strata/v1/keys/acme/202612-02.key"),
                    RequestBody.fromString("made up")));
            assertAccessDenied(() -> keyAdmin.putObject(r -> r.bucket(keys).key("strata/v1/keys/acme/202612-02.key"),
                    RequestBody.fromString("made up")));
            assertAccessDenied(() -> expire.getObjectAsBytes(r -> r.bucket(keys).key("strata/v1/keys/acme/202612-01.key")));
            // on the backup bucket the key-admin reads no body, may put and read tombstones only, and the writer may not put one
            writer.putObject(r -> r.bucket("it-keys").key("strata/v1/tenants/acme/log/seg-1.seg"), RequestBody.fromString("body"));
            assertAccessDenied(() -> keyAdmin.getObjectAsBytes(r -> r.bucket("it-keys").key("strata/v1/tenants/acme/log/seg-1.seg")));
            keyAdmin.putObject(r -> r.bucket("it-keys").key("strata/v1/erased/acme.tombstone"), RequestBody.fromString("{}"));
            assertThat(keyAdmin.getObjectAsBytes(r -> r.bucket("it-keys").key("strata/v1/erased/acme.tombstone")).asUtf8String())
                    .isEqualTo("{}");
            assertAccessDenied(() -> keyAdmin.putObject(r -> r.bucket("it-keys").key("strata/v1/tenants/acme/log/x.seg"),
                    RequestBody.fromString("made up")));
            assertAccessDenied(() -> writer.putObject(r -> r.bucket("it-keys").key("strata/v1/erased/acme.tombstone"),
                    RequestBody.fromString("made up")));

            keyAdmin.deleteObject(r -> r.bucket(keys).key("strata/v1/keys/acme/202612-01.key"));

            assertThat(admin.listObjectVersions(r -> r.bucket(keys)).versions()).as("nothing left to read back").isEmpty();
        }
    }

    @Test
    void regionsAreSeparateClusters(LocalObjectStores stores) {
        stores.primary().createLockedBucket("it-only-primary");
        try (S3Client backup = stores.backup().newS3Client(StoreRole.ADMIN)) {
            assertThatThrownBy(() -> backup.headBucket(r -> r.bucket("it-only-primary")))
                    .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(404));
        }
        assertThat(stores.primary().endpoint()).isNotEqualTo(stores.backup().endpoint());
        assertThat(stores.primary().accessKey(StoreRole.WRITER)).isNotEqualTo(stores.backup().accessKey(StoreRole.WRITER));
    }

    @Test
    void stoppedBackupGatewayRefusesWhilePrimaryServesAndRestartsWithItsData(LocalObjectStores stores) {
        LocalRegion primary = stores.primary();
        LocalRegion backup = stores.backup();
        primary.createLockedBucket("it-failover");
        backup.createLockedBucket("it-failover");
        try (S3Client toPrimary = primary.newS3Client(StoreRole.WRITER); S3Client toBackup = backup.newS3Client(StoreRole.WRITER)) {
            toBackup.putObject(r -> r.bucket("it-failover").key("before"), RequestBody.fromString("written before the outage"));

            backup.stopGateway();
            try {
                assertThat(backup.gatewayRunning()).isFalse();
                toPrimary.putObject(r -> r.bucket("it-failover").key("during"), RequestBody.fromString("primary still up"));
                assertThat(toPrimary.getObjectAsBytes(r -> r.bucket("it-failover").key("during")).asUtf8String()).isEqualTo("primary still up");
                assertThatThrownBy(() -> toBackup.getObjectAsBytes(r -> r.bucket("it-failover").key("before")))
                        .isInstanceOf(SdkClientException.class)
                        .hasRootCauseInstanceOf(ConnectException.class)
                        .rootCause().hasMessageContaining("Connection refused");
            } finally {
                backup.startGateway();
            }

            assertThat(backup.gatewayRunning()).isTrue();
            assertThat(toBackup.getObjectAsBytes(r -> r.bucket("it-failover").key("before")).asUtf8String())
                    .isEqualTo("written before the outage");
        }
    }

    @Test
    void credentialsFilesArePrivateAndHoldTheRoleKeys(LocalObjectStores stores) throws Exception {
        for (LocalRegion region : stores.regions()) {
            for (StoreRole role : StoreRole.values()) {
                var file = region.credentialsFile(role);
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
                assertThat(CredentialsFile.read(file)).isEqualTo(region.accessKey(role));
            }
        }
    }

    private static void assertAccessDenied(Runnable request) {
        assertThatThrownBy(request::run)
                .isInstanceOfSatisfying(S3Exception.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(403);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
                });
    }
}

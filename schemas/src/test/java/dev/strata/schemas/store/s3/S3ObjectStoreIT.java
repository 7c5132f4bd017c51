package dev.strata.schemas.store.s3;

import dev.strata.schemas.store.ObjectStore;
import dev.strata.schemas.store.ObjectStoreContract;
import dev.strata.schemas.store.PutResult;
import dev.strata.schemas.store.StoreCredentials;
import dev.strata.schemas.store.StoreLocation;
import dev.strata.schemas.store.StoreOperation;
import dev.strata.schemas.store.StoredObject;
import dev.strata.schemas.store.VersionPolicy;
import dev.strata.schemas.store.failure.StoreAccessDeniedException;
import dev.strata.schemas.store.failure.StoreRequestFailedException;
import dev.strata.schemas.store.failure.StoreUnavailableException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.local.LocalObjectStores;
import dev.strata.local.LocalRegion;
import dev.strata.local.LocalStackExtension;
import dev.strata.local.StoreRole;
import dev.strata.schemas.Sha256;
import dev.strata.schemas.TestEvents;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.segment.Segment;
import dev.strata.schemas.segment.SegmentReader;
import dev.strata.schemas.segment.SegmentWriter;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The ObjectStore contract against real Ceph RGW 16 with Object Lock and least-privilege IAM
 * users, plus what only a real server can show: refused deletes, refused writes by the reader,
 * an unreachable or wrong endpoint.
 */
@ExtendWith(LocalStackExtension.class)
class S3ObjectStoreIT extends ObjectStoreContract {

    private LocalRegion region;
    private String bucket;
    private S3ObjectStore writer;
    private S3ObjectStore reader;
    private S3Client stolenWriterKey;

    @BeforeEach
    void openStores(LocalObjectStores stores) {
        region = stores.primary();
        bucket = newBucketName();
        region.createLockedBucket(bucket);
        writer = open(region, bucket, StoreRole.WRITER, VersionPolicy.LATEST_VERSION);
        reader = open(region, bucket, StoreRole.READER, VersionPolicy.FIRST_VERSION);
        stolenWriterKey = region.newS3Client(StoreRole.WRITER);
    }

    @AfterEach
    void closeStores() {
        writer.close();
        reader.close();
        stolenWriterKey.close();
    }

    @Override
    protected ObjectStore writer() {
        return writer;
    }

    @Override
    protected ObjectStore reader() {
        return reader;
    }

    @Override
    protected void overwriteBehindTheSeam(ObjectKey key, byte[] bytes) {
        stolenWriterKey.putObject(r -> r.bucket(bucket).key(key.value()), RequestBody.fromBytes(bytes));
    }

    @Test
    void theBucketRefusesTheWritersDeleteAndObjectLockRefusesEvenTheAdmin() {
        ObjectKey key = segmentKey(40);
        byte[] bytes = bytes(100);
        writer.putIfAbsent(key, bytes, Sha256.of(bytes));
        String version = reader.versions(key).get(0).versionId();

        assertThatThrownBy(() -> stolenWriterKey.deleteObject(r -> r.bucket(bucket).key(key.value())))
                .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(403));
        assertThatThrownBy(() -> stolenWriterKey.deleteObject(r -> r.bucket(bucket).key(key.value()).versionId(version)))
                .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(403));
        try (S3Client admin = region.newS3Client(StoreRole.ADMIN)) {
            assertThatThrownBy(() -> admin.deleteObject(r -> r.bucket(bucket).key(key.value()).versionId(version)))
                    .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(403));
        }
        assertThat(reader.get(key).orElseThrow().bytes()).isEqualTo(bytes);
    }

    @Test
    void theReadersPutIsAccessDeniedNamingTheOperationAndTheFix() {
        ObjectKey key = segmentKey(41);
        byte[] bytes = bytes(100);
        assertThatThrownBy(() -> reader.putIfAbsent(key, bytes, Sha256.of(bytes)))
                .isInstanceOfSatisfying(StoreAccessDeniedException.class, e -> {
                    assertThat(e.operation()).isEqualTo(StoreOperation.PUT);
                    assertThat(e.key()).contains(key);
                })
                .hasMessageContaining("PUT " + key.value() + " in bucket '" + bucket + "' at " + region.endpoint())
                .hasMessageContaining("s3:PutObject")
                .hasMessageContaining("the reader's key may not")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(region.accessKey(StoreRole.READER).secretAccessKey()));
        assertThat(reader.versions(key)).isEmpty();
    }

    @Test
    void theWriterMayNotListVersions() {
        ObjectKey key = segmentKey(42);
        assertThatThrownBy(() -> writer.versions(key))
                .isInstanceOf(StoreAccessDeniedException.class)
                .hasMessageContaining("s3:ListBucketVersions")
                .hasMessageContaining("use the reader credential");
        ObjectStore writerReadingFirstVersions = open(region, bucket, StoreRole.WRITER, VersionPolicy.FIRST_VERSION);
        try (writerReadingFirstVersions) {
            assertThatThrownBy(() -> writerReadingFirstVersions.get(key)).isInstanceOf(StoreAccessDeniedException.class);
        }
    }

    @Test
    void aDeleteMarkerHidesNothingFromTheReader() {
        ObjectKey key = segmentKey(45);
        byte[] bytes = bytes(700);
        writer.putIfAbsent(key, bytes, Sha256.of(bytes));
        try (S3Client admin = region.newS3Client(StoreRole.ADMIN)) {
            // a plain DELETE is allowed even under COMPLIANCE: it only stacks a delete marker on top
            admin.deleteObject(r -> r.bucket(bucket).key(key.value()));
        }
        assertThat(writer.get(key)).isEmpty();
        assertThat(writer.list(BackupLayout.logPrefix(tenant), Optional.empty(), 10).objects()).isEmpty();
        assertThat(reader.get(key).orElseThrow().bytes()).isEqualTo(bytes);
        assertThat(reader.head(key).orElseThrow().declaredSha256()).contains(Sha256.of(bytes));
        assertThat(reader.list(BackupLayout.logPrefix(tenant), Optional.empty(), 10).keys()).containsExactly(key);
        assertThat(reader.versions(key)).hasSize(1);
    }

    @Test
    void aSegmentRoundTripsThroughTheStore() {
        List<ChangeEvent> events = TestEvents.randomUpdates(tenant.value(), 20_000, 11);
        Segment segment = SegmentWriter.encode(events);
        ObjectKey key = segmentKey(43);
        assertThat(writer.putIfAbsent(key, segment.bytes(), segment.summary().sha256())).isEqualTo(PutResult.WRITTEN);
        StoredObject stored = reader.get(key).orElseThrow();
        assertThat(stored.matchesDeclaredSha256()).isTrue();
        assertThat(SegmentReader.readAll(stored.bytes(), segment.summary().sha256(), key.value())).isEqualTo(events);
    }

    @Test
    void aBucketThatIsNotThereIsNamed(LocalObjectStores stores) {
        // the same bucket name asked of the other region: a separate cluster that never heard of it
        try (S3ObjectStore wrongRegion = open(stores.backup(), bucket, StoreRole.READER, VersionPolicy.FIRST_VERSION)) {
            assertThatThrownBy(() -> wrongRegion.list(BackupLayout.logPrefix(tenant), Optional.empty(), 10))
                    .isInstanceOfSatisfying(StoreRequestFailedException.class, e -> assertThat(e.statusCode()).isEqualTo(404))
                    .hasMessageContaining("bucket '" + bucket + "' at " + stores.backup().endpoint())
                    .hasMessageContaining("the bucket does not exist at this endpoint");
        }
    }

    @Test
    void aStoppedGatewayIsUnavailableAndTheSamePutSucceedsOnceItIsBack(LocalObjectStores stores) {
        LocalRegion backup = stores.backup();
        String backupBucket = newBucketName();
        backup.createLockedBucket(backupBucket);
        ObjectKey key = segmentKey(44);
        byte[] bytes = bytes(1000);
        try (S3ObjectStore store = open(backup, backupBucket, StoreRole.WRITER, VersionPolicy.LATEST_VERSION)) {
            backup.stopGateway();
            try {
                assertThatThrownBy(() -> store.putIfAbsent(key, bytes, Sha256.of(bytes)))
                        .isInstanceOf(StoreUnavailableException.class)
                        .hasMessageContaining("cannot connect to " + backup.endpoint());
            } finally {
                backup.startGateway();
            }
            assertThat(store.putIfAbsent(key, bytes, Sha256.of(bytes))).isEqualTo(PutResult.WRITTEN);
        }
    }

    private static S3ObjectStore open(LocalRegion region, String bucket, StoreRole role, VersionPolicy policy) {
        return S3ObjectStore.open(new StoreLocation(region.endpoint(), bucket, region.signingRegion()),
                StoreCredentials.fromFile(region.credentialsFile(role)), policy);
    }

    private static String newBucketName() {
        return "schemas-it-" + UUID.randomUUID().toString().substring(0, 13).replace("-", "");
    }
}

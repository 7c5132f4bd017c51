package dev.strata.schemas.store.s3;

import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.store.ExpiringStore;
import dev.strata.schemas.store.ObjectVersionInfo;
import dev.strata.schemas.store.StoreCredentials;
import dev.strata.schemas.store.StoreLocation;
import dev.strata.schemas.store.StoreOperation;
import dev.strata.schemas.store.failure.StoreRequestFailedException;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectLockRetention;

/**
 * The expiring store on S3 (RGW 16): ListObjectVersions, GetObjectRetention and DeleteObject of one
 * version id. A delete never sends {@code x-amz-bypass-governance-retention}: COMPLIANCE cannot be
 * bypassed, and the expire credential is denied s3:BypassGovernanceRetention anyway. Deletes are not
 * retried inside the SDK: a refused delete must surface as it is.
 */
public final class S3ExpiringStore implements ExpiringStore {
    private final ClientPair clients;
    private final StoreLocation location;
    private final S3Client reads;

    private S3ExpiringStore(StoreLocation location, StoreCredentials credentials, StoreTimeouts timeouts) {
        this.clients = new ClientPair(location, credentials, timeouts);
        this.location = location;
        this.reads = clients.reads();
    }

    public static S3ExpiringStore open(StoreLocation location, StoreCredentials credentials) {
        return new S3ExpiringStore(Objects.requireNonNull(location, "location"), Objects.requireNonNull(credentials, "credentials"),
                StoreTimeouts.DEFAULT);
    }

    @Override
    public Stream<ObjectVersionInfo> versions(ObjectKey prefix) {
        Objects.requireNonNull(prefix, "prefix");
        // collected inside the call, so that a failure on any page is translated like the first
        return call(StoreOperation.LIST_VERSIONS, prefix, () -> reads.listObjectVersionsPaginator(r -> r
                        .bucket(location.bucket()).prefix(prefix.value())).versions().stream()
                .map(v -> new ObjectVersionInfo(BackupLayout.keyOf(v.key()), v.versionId(), v.size(), v.lastModified()))
                .toList()).stream();
    }

    @Override
    public Optional<Instant> retainUntil(ObjectVersionInfo version) {
        try {
            ObjectLockRetention retention = call(StoreOperation.GET_RETENTION, version.key(), () -> reads.getObjectRetention(r -> r
                    .bucket(location.bucket()).key(version.key().value()).versionId(version.versionId())).retention());
            return Optional.ofNullable(retention).map(ObjectLockRetention::retainUntilDate);
        } catch (StoreRequestFailedException e) {
            if (e.statusCode() == 404) {
                return Optional.empty(); // no retention on this version
            }
            throw e;
        }
    }

    @Override
    public void delete(ObjectVersionInfo version) {
        call(StoreOperation.DELETE_VERSION, version.key(), () -> clients.deletes().deleteObject(r -> r
                .bucket(location.bucket()).key(version.key().value()).versionId(version.versionId())));
    }

    @Override
    public String describe() {
        return location.describe();
    }

    @Override
    public void close() {
        clients.close();
    }

    @Override
    public String toString() {
        return "S3ExpiringStore[" + describe() + "]";
    }

    private <T> T call(StoreOperation operation, ObjectKey key, Supplier<T> request) {
        return clients.call(operation, key, request);
    }
}

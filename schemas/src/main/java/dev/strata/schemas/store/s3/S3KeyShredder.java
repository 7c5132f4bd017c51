package dev.strata.schemas.store.s3;

import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.store.KeyShredder;
import dev.strata.schemas.store.StoreCredentials;
import dev.strata.schemas.store.StoreLocation;
import dev.strata.schemas.store.StoreOperation;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The key shredder on S3: DeleteObject in an unversioned bucket, where a delete leaves nothing behind.
 * The bucket's versioning is checked before the first delete: in a versioned (or once-versioned)
 * bucket a delete only adds a marker, and the key would still open every body it sealed.
 */
public final class S3KeyShredder implements KeyShredder {
    private final ClientPair clients;
    private final StoreLocation location;
    private final S3Client reads;
    private boolean unversioned;

    private S3KeyShredder(StoreLocation location, StoreCredentials credentials, StoreTimeouts timeouts) {
        this.clients = new ClientPair(location, credentials, timeouts);
        this.location = location;
        this.reads = clients.reads();
    }

    public static S3KeyShredder open(StoreLocation location, StoreCredentials credentials) {
        return new S3KeyShredder(Objects.requireNonNull(location, "location"), Objects.requireNonNull(credentials, "credentials"),
                StoreTimeouts.DEFAULT);
    }

    @Override
    public List<ObjectKey> list(ObjectKey prefix) {
        return call(StoreOperation.LIST, prefix, () -> reads.listObjectsV2Paginator(r -> r.bucket(location.bucket()).prefix(prefix.value()))
                .contents().stream().map(S3Object::key).map(BackupLayout::keyOf).toList());
    }

    @Override
    public synchronized void shred(ObjectKey key) {
        if (!unversioned) {
            BucketVersioningStatus status = call(StoreOperation.GET_VERSIONING, key,
                    () -> reads.getBucketVersioning(r -> r.bucket(location.bucket())).status());
            if (status != null && status != BucketVersioningStatus.UNKNOWN_TO_SDK_VERSION) {
                throw new IllegalStateException("key store bucket " + location.describe() + " has versioning " + status
                        + ": a deleted data key would survive as an older version. A key store bucket must never have had"
                        + " versioning: create a new unversioned one, copy the keys, and point keys.bucket at it");
            }
            unversioned = true;
        }
        call(StoreOperation.DELETE, key, () -> clients.deletes().deleteObject(r -> r.bucket(location.bucket()).key(key.value())));
    }

    @Override
    public String describe() {
        return location.describe();
    }

    @Override
    public void close() {
        clients.close();
    }

    private <T> T call(StoreOperation operation, ObjectKey key, Supplier<T> request) {
        return clients.call(operation, key, request);
    }
}

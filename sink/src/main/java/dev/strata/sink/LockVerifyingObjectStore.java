package dev.strata.sink;

import dev.strata.schemas.Sha256;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.store.ByteRange;
import dev.strata.schemas.store.ListPage;
import dev.strata.schemas.store.ObjectFile;
import dev.strata.schemas.store.ObjectInfo;
import dev.strata.schemas.store.ObjectStore;
import dev.strata.schemas.store.ObjectVersionInfo;
import dev.strata.schemas.store.PutResult;
import dev.strata.schemas.store.StoredFile;
import dev.strata.schemas.store.StoredObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * The Object Lock check for a writer key that may not read the bucket's lock configuration: the
 * first object this store writes is HEADed, and unless it carries COMPLIANCE retention, the write
 * fails with {@link UnlockedBucketException} and the sink stops before writing more.
 */
final class LockVerifyingObjectStore implements ObjectStore {
    private final ObjectStore delegate;
    private final Function<ObjectKey, Optional<String>> unlocked;
    private final AtomicBoolean verified = new AtomicBoolean();

    /** @param unlocked for a key just written: empty if it is locked, else what is wrong */
    LockVerifyingObjectStore(ObjectStore delegate, Function<ObjectKey, Optional<String>> unlocked) {
        this.delegate = delegate;
        this.unlocked = unlocked;
    }

    @Override
    public PutResult putIfAbsent(ObjectKey key, byte[] bytes, Sha256 sha256) {
        return checkedOnce(key, delegate.putIfAbsent(key, bytes, sha256));
    }

    @Override
    public PutResult putIfAbsent(ObjectKey key, ObjectFile file) {
        return checkedOnce(key, delegate.putIfAbsent(key, file));
    }

    /** The first put of this store, whatever its kind, is followed by the lock check of the key it wrote. */
    private PutResult checkedOnce(ObjectKey key, PutResult result) {
        if (!verified.get()) {
            Optional<String> problem = unlocked.apply(key);
            if (problem.isPresent()) {
                throw new UnlockedBucketException(problem.get());
            }
            verified.set(true);
        }
        return result;
    }

    @Override
    public Optional<StoredObject> get(ObjectKey key) {
        return delegate.get(key);
    }

    @Override
    public Optional<StoredFile> getToFile(ObjectKey key, Path target) {
        return delegate.getToFile(key, target);
    }

    @Override
    public Optional<StoredObject> get(ObjectKey key, ByteRange range) {
        return delegate.get(key, range);
    }

    @Override
    public Optional<ObjectInfo> head(ObjectKey key) {
        return delegate.head(key);
    }

    @Override
    public List<ObjectVersionInfo> versions(ObjectKey key) {
        return delegate.versions(key);
    }

    @Override
    public ListPage list(ObjectKey prefix, Optional<ObjectKey> startAfter, int maxKeys) {
        return delegate.list(prefix, startAfter, maxKeys);
    }

    @Override
    public String describe() {
        return delegate.describe();
    }

    @Override
    public void close() {
        // the owner closes the delegate
    }
}

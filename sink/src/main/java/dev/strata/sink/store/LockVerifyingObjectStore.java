package dev.strata.sink.store;

import dev.strata.schemas.Sha256;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.store.ForwardingObjectStore;
import dev.strata.schemas.store.ObjectFile;
import dev.strata.schemas.store.ObjectStore;
import dev.strata.schemas.store.PutResult;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;
import dev.strata.schemas.store.failure.ObjectLockRefusedException;

/**
 * The Object Lock check for a writer key that may not read the bucket's lock configuration: the
 * first object this store writes is HEADed, and unless it carries COMPLIANCE retention, the write
 * fails with {@link UnlockedBucketException} and the sink stops before writing more.
 */
final class LockVerifyingObjectStore extends ForwardingObjectStore {
    private final Function<ObjectKey, Optional<String>> unlocked;
    private final AtomicBoolean verified = new AtomicBoolean();

    /** @param unlocked for a key just written: empty if it is locked, else what is wrong */
    LockVerifyingObjectStore(ObjectStore delegate, Function<ObjectKey, Optional<String>> unlocked) {
        super(delegate);
        this.unlocked = unlocked;
    }

    @Override
    public PutResult putIfAbsent(ObjectKey key, byte[] bytes, Sha256 sha256) {
        return checkedOnce(key, () -> delegate.putIfAbsent(key, bytes, sha256));
    }

    @Override
    public PutResult putIfAbsent(ObjectKey key, ObjectFile file) {
        return checkedOnce(key, () -> delegate.putIfAbsent(key, file));
    }

    /**
     * The first put of this store, whatever its kind, is followed by the lock check of the key it wrote. A bucket
     * without Object Lock refuses a put that carries lock headers (the sink's retain-until): the same finding, made
     * before anything was written.
     */
    private PutResult checkedOnce(ObjectKey key, Supplier<PutResult> put) {
        PutResult result;
        try {
            result = put.get();
        } catch (ObjectLockRefusedException e) {
            throw new UnlockedBucketException(e.getMessage() + ", so what is stored there is not COMPLIANCE retention into the future");
        }
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
    public void close() {
        // the owner closes the delegate
    }
}

package dev.strata.restore.testing;

import dev.strata.schemas.Sha256;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.store.ForwardingObjectStore;
import dev.strata.schemas.store.ObjectFile;
import dev.strata.schemas.store.ObjectStore;
import dev.strata.schemas.store.PutResult;
import dev.strata.schemas.store.StoreOperation;
import dev.strata.schemas.store.failure.StoreUnavailableException;
import java.util.function.Predicate;

/**
 * A region that refuses the writes a test chooses (a region down, a fold killed before its last
 * write), so that the sink's own uploader leaves what such a failure leaves; reads pass through.
 */
final class RefusingStore extends ForwardingObjectStore {
    private volatile Predicate<ObjectKey> refused = key -> false;

    RefusingStore(ObjectStore delegate) {
        super(delegate);
    }

    void refuse(Predicate<ObjectKey> keys) {
        refused = keys;
    }

    @Override
    public PutResult putIfAbsent(ObjectKey key, byte[] bytes, Sha256 sha256) {
        check(key);
        return delegate.putIfAbsent(key, bytes, sha256);
    }

    @Override
    public PutResult putIfAbsent(ObjectKey key, ObjectFile file) {
        check(key);
        return delegate.putIfAbsent(key, file);
    }

    private void check(ObjectKey key) {
        if (refused.test(key)) {
            throw new StoreUnavailableException(StoreOperation.PUT, describe(), key, "refused by the test", null);
        }
    }
}

package dev.strata.sink.store;

import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.store.InMemoryBucket;
import dev.strata.schemas.store.ObjectStore;
import dev.strata.schemas.store.ObjectStoreContract;
import dev.strata.schemas.store.VersionPolicy;
import java.util.Optional;

/** The lock-verifying decorator over a locked bucket passes the whole store contract: it only adds its first-put check. */
class LockVerifyingObjectStoreContractTest extends ObjectStoreContract {
    private final InMemoryBucket bucket = new InMemoryBucket();
    private final ObjectStore writer = new LockVerifyingObjectStore(bucket.store(VersionPolicy.LATEST_VERSION), key -> Optional.empty());
    private final ObjectStore reader = new LockVerifyingObjectStore(bucket.store(VersionPolicy.FIRST_VERSION), key -> Optional.empty());

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
        bucket.overwrite(key, bytes);
    }
}

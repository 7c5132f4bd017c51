package dev.strata.schemas.store;

import dev.strata.schemas.layout.ObjectKey;

/** The contract against the in-memory bucket, so that the unit tests of other modules can trust it. */
class InMemoryObjectStoreTest extends ObjectStoreContract {

    private final InMemoryBucket bucket = new InMemoryBucket();
    private final ObjectStore writer = bucket.store(VersionPolicy.LATEST_VERSION);
    private final ObjectStore reader = bucket.store(VersionPolicy.FIRST_VERSION);

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

package dev.strata.schemas.store;

import dev.strata.schemas.layout.ObjectKey;
import java.util.function.UnaryOperator;

/**
 * The store contract over an in-memory bucket whose writer and reader views are both passed
 * through {@code decorate}: the suite a decorator of any module runs to prove it keeps the seam.
 */
public abstract class InMemoryStoreContract extends ObjectStoreContract {
    private final InMemoryBucket bucket = new InMemoryBucket();
    private final ObjectStore writer;
    private final ObjectStore reader;

    protected InMemoryStoreContract(UnaryOperator<ObjectStore> decorate) {
        writer = decorate.apply(bucket.store(VersionPolicy.LATEST_VERSION));
        reader = decorate.apply(bucket.store(VersionPolicy.FIRST_VERSION));
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
        bucket.overwrite(key, bytes);
    }
}

package dev.strata.sink;

import dev.strata.schemas.Sha256;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.store.ForwardingObjectStore;
import dev.strata.schemas.store.ObjectStore;
import dev.strata.schemas.store.PutResult;
import dev.strata.schemas.store.StoreOperation;
import dev.strata.schemas.store.failure.StoreUnavailableException;
import java.util.concurrent.atomic.AtomicInteger;

/** A region that is down (every put refused as by a closed port, which the retrying store retries) until {@link #up}. */
final class OutageStore extends ForwardingObjectStore {
    private final String name;
    private volatile boolean down = true;
    final AtomicInteger puts = new AtomicInteger();

    OutageStore(ObjectStore delegate, String name) {
        super(delegate);
        this.name = name;
    }

    void up() {
        down = false;
    }

    @Override
    public PutResult putIfAbsent(ObjectKey key, byte[] bytes, Sha256 sha256) {
        puts.incrementAndGet();
        if (down) {
            throw new StoreUnavailableException(StoreOperation.PUT, name, key, "connection refused", null);
        }
        return delegate.putIfAbsent(key, bytes, sha256);
    }

    @Override
    public String describe() {
        return name;
    }
}

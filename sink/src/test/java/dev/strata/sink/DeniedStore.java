package dev.strata.sink;

import dev.strata.schemas.Sha256;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.store.ForwardingObjectStore;
import dev.strata.schemas.store.ObjectStore;
import dev.strata.schemas.store.PutResult;
import dev.strata.schemas.store.StoreOperation;
import dev.strata.schemas.store.failure.StoreAccessDeniedException;
import java.util.concurrent.atomic.AtomicInteger;

/** A region whose policy refuses the writer key every put (403 AccessDenied), as after a wrong IAM change: a failure no retry fixes. */
final class DeniedStore extends ForwardingObjectStore {
    private final String name;
    final AtomicInteger puts = new AtomicInteger();

    DeniedStore(ObjectStore delegate, String name) {
        super(delegate);
        this.name = name;
    }

    @Override
    public PutResult putIfAbsent(ObjectKey key, byte[] bytes, Sha256 sha256) {
        puts.incrementAndGet();
        throw new StoreAccessDeniedException(StoreOperation.PUT, name, key, "AccessDenied", null);
    }

    @Override
    public String describe() {
        return name;
    }
}

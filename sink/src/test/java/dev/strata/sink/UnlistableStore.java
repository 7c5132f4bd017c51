package dev.strata.sink;

import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.store.ForwardingObjectStore;
import dev.strata.schemas.store.ListPage;
import dev.strata.schemas.store.ObjectStore;
import dev.strata.schemas.store.StoreOperation;
import dev.strata.schemas.store.failure.StoreUnavailableException;
import java.util.Optional;

/** An ObjectStore whose every LIST fails as an unreachable region's would; other calls work. */
public final class UnlistableStore extends ForwardingObjectStore {
    private final String name;

    public UnlistableStore(ObjectStore delegate, String name) {
        super(delegate);
        this.name = name;
    }

    @Override
    public ListPage list(ObjectKey prefix, Optional<ObjectKey> startAfter, int maxKeys) {
        throw new StoreUnavailableException(StoreOperation.LIST, name, prefix, "connection refused", null);
    }

    @Override
    public String describe() {
        return name;
    }
}

package dev.strata.sink;

import dev.strata.schemas.Sha256;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.store.ForwardingObjectStore;
import dev.strata.schemas.store.ObjectStore;
import dev.strata.schemas.store.PutResult;

/**
 * A store that takes every object but a {@code base.manifest}: what a fold killed after its table
 * objects and before its manifest leaves behind, made on purpose instead of by a lucky SIGKILL.
 */
public final class ManifestWithheldStore extends ForwardingObjectStore {
    public ManifestWithheldStore(ObjectStore delegate) {
        super(delegate);
    }

    @Override
    public PutResult putIfAbsent(ObjectKey key, byte[] bytes, Sha256 sha256) {
        if (key.value().endsWith("/base.manifest")) {
            throw new IllegalStateException("the fold is killed here, before " + key);
        }
        return delegate.putIfAbsent(key, bytes, sha256);
    }

    @Override
    public String describe() {
        return "manifest-withheld " + delegate.describe();
    }
}

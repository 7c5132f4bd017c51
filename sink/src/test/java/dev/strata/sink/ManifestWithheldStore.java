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

/**
 * A store that takes every object but a {@code base.manifest}: what a fold killed after its table
 * objects and before its manifest leaves behind, made on purpose instead of by a lucky SIGKILL.
 */
final class ManifestWithheldStore implements ObjectStore {
    private final ObjectStore delegate;

    ManifestWithheldStore(ObjectStore delegate) {
        this.delegate = delegate;
    }

    @Override
    public PutResult putIfAbsent(ObjectKey key, byte[] bytes, Sha256 sha256) {
        if (key.value().endsWith("/base.manifest")) {
            throw new IllegalStateException("the fold is killed here, before " + key);
        }
        return delegate.putIfAbsent(key, bytes, sha256);
    }

    /** Table objects come as files: never a manifest. */
    @Override
    public PutResult putIfAbsent(ObjectKey key, ObjectFile file) {
        return delegate.putIfAbsent(key, file);
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
        return "manifest-withheld " + delegate.describe();
    }

    @Override
    public void close() {
        delegate.close();
    }
}

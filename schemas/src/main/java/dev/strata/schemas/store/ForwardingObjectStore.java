package dev.strata.schemas.store;

import dev.strata.schemas.Sha256;
import dev.strata.schemas.layout.ObjectKey;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * An ObjectStore that hands every call to another: the base of a decorator that changes one or two
 * calls (a lock check after a put, a scripted failure) and must not restate the other nine.
 */
public abstract class ForwardingObjectStore implements ObjectStore {
    protected final ObjectStore delegate;

    protected ForwardingObjectStore(ObjectStore delegate) {
        this.delegate = delegate;
    }

    @Override
    public PutResult putIfAbsent(ObjectKey key, byte[] bytes, Sha256 sha256) {
        return delegate.putIfAbsent(key, bytes, sha256);
    }

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
        return delegate.describe();
    }

    @Override
    public void close() {
        delegate.close();
    }
}

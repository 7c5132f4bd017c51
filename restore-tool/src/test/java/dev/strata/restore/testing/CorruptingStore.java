package dev.strata.restore.testing;

import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.store.ByteRange;
import dev.strata.schemas.store.ForwardingObjectStore;
import dev.strata.schemas.store.ListPage;
import dev.strata.schemas.store.ObjectFileOutput;
import dev.strata.schemas.store.ObjectInfo;
import dev.strata.schemas.store.ObjectStore;
import dev.strata.schemas.store.ObjectVersionInfo;
import dev.strata.schemas.store.StoreOperation;
import dev.strata.schemas.store.StoredFile;
import dev.strata.schemas.store.StoredObject;
import dev.strata.schemas.store.failure.StoreUnavailableException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** An ObjectStore that serves altered bytes for chosen keys, lost objects, or is down: for fallback tests without a real store. */
public final class CorruptingStore extends ForwardingObjectStore {
    private final Set<ObjectKey> corrupt = new HashSet<>();
    private final Set<ObjectKey> lost = new HashSet<>();
    private boolean down;

    public CorruptingStore(ObjectStore delegate) {
        super(delegate);
    }

    public void corrupt(ObjectKey key) {
        corrupt.add(key);
    }

    /** The key is still listed, but its object cannot be read: lost after it was stored. */
    public void lose(ObjectKey key) {
        lost.add(key);
    }

    public void down() {
        down = true;
    }

    @Override
    public Optional<StoredObject> get(ObjectKey key) {
        failIfDown(key);
        if (lost.contains(key)) {
            return Optional.empty();
        }
        return delegate.get(key).map(o -> {
            if (!corrupt.contains(key)) {
                return o;
            }
            byte[] altered = o.bytes().clone();
            altered[altered.length / 2] ^= 0x5a;
            return new StoredObject(key, o.versionId(), altered, o.objectSize(), o.declaredSha256());
        });
    }

    /** The same (altered) bytes {@link #get(ObjectKey)} serves, written to the file. */
    @Override
    public Optional<StoredFile> getToFile(ObjectKey key, Path target) {
        return get(key).map(o -> {
            try {
                return new StoredFile(new ObjectInfo(key, o.objectSize(), o.declaredSha256(), o.versionId()),
                        ObjectFileOutput.copy(new ByteArrayInputStream(o.bytes()), target));
            } catch (IOException e) {
                throw new UncheckedIOException("get " + key + ": cannot write " + target, e);
            }
        });
    }

    @Override
    public Optional<StoredObject> get(ObjectKey key, ByteRange range) {
        failIfDown(key);
        return delegate.get(key, range);
    }

    @Override
    public Optional<ObjectInfo> head(ObjectKey key) {
        failIfDown(key);
        return delegate.head(key);
    }

    @Override
    public List<ObjectVersionInfo> versions(ObjectKey key) {
        failIfDown(key);
        return delegate.versions(key);
    }

    @Override
    public ListPage list(ObjectKey prefix, Optional<ObjectKey> startAfter, int maxKeys) {
        failIfDown(prefix);
        return delegate.list(prefix, startAfter, maxKeys);
    }

    private void failIfDown(ObjectKey key) {
        if (down) {
            throw new StoreUnavailableException(StoreOperation.GET, describe(), key, "cannot connect (test)", null);
        }
    }
}

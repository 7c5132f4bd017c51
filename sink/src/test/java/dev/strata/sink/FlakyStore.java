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
import dev.strata.schemas.store.StoreException;
import dev.strata.schemas.store.StoredFile;
import dev.strata.schemas.store.StoredObject;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;

/** An ObjectStore that fails puts as scripted, before or after really writing: a region that misbehaves. */
final class FlakyStore implements ObjectStore {
    /** What the next put does. */
    enum Step { PASS, FAIL_BEFORE, FAIL_AFTER_WRITE }

    private final ObjectStore delegate;
    private final Function<ObjectKey, StoreException> failure;
    private final Deque<Step> script = new ArrayDeque<>();
    final AtomicInteger puts = new AtomicInteger();

    FlakyStore(ObjectStore delegate, Function<ObjectKey, StoreException> failure, Step... steps) {
        this.delegate = delegate;
        this.failure = failure;
        script.addAll(List.of(steps));
    }

    synchronized void then(Step... steps) {
        script.addAll(List.of(steps));
    }

    @Override
    public PutResult putIfAbsent(ObjectKey key, byte[] bytes, Sha256 sha256) {
        return scripted(key, () -> delegate.putIfAbsent(key, bytes, sha256));
    }

    @Override
    public PutResult putIfAbsent(ObjectKey key, ObjectFile file) {
        return scripted(key, () -> delegate.putIfAbsent(key, file));
    }

    private PutResult scripted(ObjectKey key, Supplier<PutResult> put) {
        puts.incrementAndGet();
        Step step;
        synchronized (this) {
            step = script.isEmpty() ? Step.PASS : script.poll();
        }
        switch (step) {
            case FAIL_BEFORE -> throw failure.apply(key);
            case FAIL_AFTER_WRITE -> {
                put.get();
                throw failure.apply(key);
            }
            default -> {
                return put.get();
            }
        }
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
        return "flaky " + delegate.describe();
    }

    @Override
    public void close() {
        delegate.close();
    }
}

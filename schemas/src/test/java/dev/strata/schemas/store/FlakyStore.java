package dev.strata.schemas.store;

import dev.strata.schemas.Sha256;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.store.failure.StoreException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;

/** An ObjectStore that fails puts as scripted, before or after really writing: a region that misbehaves. */
public final class FlakyStore extends ForwardingObjectStore {
    /** What the next put does. */
    public enum Step { PASS, FAIL_BEFORE, FAIL_AFTER_WRITE }

    private final Function<ObjectKey, StoreException> failure;
    private final Deque<Step> script = new ArrayDeque<>();
    public final AtomicInteger puts = new AtomicInteger();

    public FlakyStore(ObjectStore delegate, Function<ObjectKey, StoreException> failure, Step... steps) {
        super(delegate);
        this.failure = failure;
        script.addAll(List.of(steps));
    }

    public synchronized void then(Step... steps) {
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
    public String describe() {
        return "flaky " + delegate.describe();
    }
}

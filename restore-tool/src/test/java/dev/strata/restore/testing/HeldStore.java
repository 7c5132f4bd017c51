package dev.strata.restore.testing;

import dev.strata.schemas.Sha256;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.store.ForwardingObjectStore;
import dev.strata.schemas.store.ObjectStore;
import dev.strata.schemas.store.PutResult;
import dev.strata.schemas.store.StoreOperation;
import dev.strata.schemas.store.failure.StoreUnavailableException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A region that delays the puts of the keys a test chose until it lets them through: an upload that
 * lands after later ones (concurrent uploads finish in any order). Reads pass through.
 */
final class HeldStore extends ForwardingObjectStore {
    private static final long MAX_HOLD_SECONDS = 120;

    private volatile Predicate<ObjectKey> held = key -> false;
    private final CountDownLatch released = new CountDownLatch(1);

    HeldStore(ObjectStore delegate) {
        super(delegate);
    }

    void hold(Predicate<ObjectKey> keys) {
        held = keys;
    }

    boolean holds(ObjectKey key) {
        return held.test(key);
    }

    /** Every held put goes on now. */
    void release() {
        released.countDown();
    }

    @Override
    public PutResult putIfAbsent(ObjectKey key, byte[] bytes, Sha256 sha256) {
        if (held.test(key)) {
            try {
                if (!released.await(MAX_HOLD_SECONDS, TimeUnit.SECONDS)) {
                    throw new StoreUnavailableException(StoreOperation.PUT, describe(), key, "held by the test, never released", null);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreUnavailableException(StoreOperation.PUT, describe(), key, "interrupted while held by the test", e);
            }
        }
        return delegate.putIfAbsent(key, bytes, sha256);
    }
}

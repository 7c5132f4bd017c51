package dev.strata.sink;

import dev.strata.schemas.Sha256;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.ops.StopSignal;
import dev.strata.schemas.store.ForwardingObjectStore;
import dev.strata.schemas.store.ObjectFile;
import dev.strata.schemas.store.ObjectStore;
import dev.strata.schemas.store.PutResult;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * An ObjectStore whose puts of some keys wait at a gate until a condition holds: a region whose
 * upload thread has not started a put yet (a busy pool, a slow machine) when something else happens.
 */
final class GatedStore extends ForwardingObjectStore {
    private static final Duration MAX_WAIT = Duration.ofSeconds(10);

    private final Predicate<ObjectKey> gated;
    private final BooleanSupplier open;
    /** Counted down when the first gated put arrives. */
    final CountDownLatch entered = new CountDownLatch(1);

    GatedStore(ObjectStore delegate, Predicate<ObjectKey> gated, BooleanSupplier open) {
        super(delegate);
        this.gated = gated;
        this.open = open;
    }

    @Override
    public PutResult putIfAbsent(ObjectKey key, byte[] bytes, Sha256 sha256) {
        pass(key);
        return delegate.putIfAbsent(key, bytes, sha256);
    }

    @Override
    public PutResult putIfAbsent(ObjectKey key, ObjectFile file) {
        pass(key);
        return delegate.putIfAbsent(key, file);
    }

    private void pass(ObjectKey key) {
        if (!gated.test(key)) {
            return;
        }
        entered.countDown();
        StopSignal never = new StopSignal(); // only its timed wait is used
        for (long waited = 0; !open.getAsBoolean(); waited += 5) {
            if (waited > MAX_WAIT.toMillis()) {
                throw new IllegalStateException("the gate before the put of " + key + " did not open within " + MAX_WAIT);
            }
            never.awaitStop(Duration.ofMillis(5));
        }
    }

    @Override
    public String describe() {
        return "gated " + delegate.describe();
    }
}

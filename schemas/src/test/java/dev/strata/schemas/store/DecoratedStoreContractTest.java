package dev.strata.schemas.store;

import dev.strata.schemas.store.retry.Backoff;
import dev.strata.schemas.store.retry.RetryingObjectStore;
import dev.strata.schemas.ops.StopSignal;
import java.time.Duration;
import org.junit.jupiter.api.Nested;

/**
 * Every ObjectStore decorator of schemas passes the whole contract: a decorator that changed a
 * put's outcome, a listing's order or the version a reader sees would break the seam.
 */
class DecoratedStoreContractTest {

    @Nested
    class Retrying extends InMemoryStoreContract {
        Retrying() {
            super(store -> new RetryingObjectStore(store, new Backoff(Duration.ofMillis(1), Duration.ofMillis(2)), 3,
                    new StopSignal(), e -> { }));
        }
    }

    @Nested
    class Forwarding extends InMemoryStoreContract {
        Forwarding() {
            super(store -> new ForwardingObjectStore(store) { });
        }
    }
}

package dev.strata.schemas.store;

import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.ops.StopSignal;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Nested;

/**
 * Every ObjectStore decorator of schemas passes the whole contract: a decorator that changed a
 * put's outcome, a listing's order or the version a reader sees would break the seam.
 */
class DecoratedStoreContractTest {

    /** The contract over an in-memory bucket whose writer and reader are both decorated. */
    abstract static class Decorated extends ObjectStoreContract {
        private final InMemoryBucket bucket = new InMemoryBucket();
        private final ObjectStore writer;
        private final ObjectStore reader;

        Decorated(UnaryOperator<ObjectStore> decorate) {
            writer = decorate.apply(bucket.store(VersionPolicy.LATEST_VERSION));
            reader = decorate.apply(bucket.store(VersionPolicy.FIRST_VERSION));
        }

        @Override
        protected ObjectStore writer() {
            return writer;
        }

        @Override
        protected ObjectStore reader() {
            return reader;
        }

        @Override
        protected void overwriteBehindTheSeam(ObjectKey key, byte[] bytes) {
            bucket.overwrite(key, bytes);
        }
    }

    @Nested
    class Retrying extends Decorated {
        Retrying() {
            super(store -> new RetryingObjectStore(store, new Backoff(Duration.ofMillis(1), Duration.ofMillis(2)), 3,
                    new StopSignal(), e -> { }));
        }
    }

    @Nested
    class Forwarding extends Decorated {
        Forwarding() {
            super(store -> new ForwardingObjectStore(store) { });
        }
    }
}

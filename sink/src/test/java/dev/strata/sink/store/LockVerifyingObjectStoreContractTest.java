package dev.strata.sink.store;

import dev.strata.schemas.store.InMemoryStoreContract;
import java.util.Optional;

/** The lock-verifying decorator over a locked bucket passes the whole store contract: it only adds its first-put check. */
class LockVerifyingObjectStoreContractTest extends InMemoryStoreContract {
    LockVerifyingObjectStoreContractTest() {
        super(store -> new LockVerifyingObjectStore(store, key -> Optional.empty()));
    }
}

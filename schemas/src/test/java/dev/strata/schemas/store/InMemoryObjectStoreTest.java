package dev.strata.schemas.store;

import java.util.function.UnaryOperator;

/** The contract against the in-memory bucket, so that the unit tests of other modules can trust it. */
class InMemoryObjectStoreTest extends InMemoryStoreContract {
    InMemoryObjectStoreTest() {
        super(UnaryOperator.identity());
    }
}

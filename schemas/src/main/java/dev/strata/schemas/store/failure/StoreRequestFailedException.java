package dev.strata.schemas.store.failure;

import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.store.StoreOperation;

/** The store answered with an error other than access denied, e.g. a missing bucket. */
public final class StoreRequestFailedException extends StoreException {

    private static final long serialVersionUID = 1L;

    private final int statusCode;

    public StoreRequestFailedException(StoreOperation operation, String store, ObjectKey key, int statusCode, String problem, Throwable cause) {
        super(operation, store, key, problem, cause);
        this.statusCode = statusCode;
    }

    public int statusCode() {
        return statusCode;
    }
}

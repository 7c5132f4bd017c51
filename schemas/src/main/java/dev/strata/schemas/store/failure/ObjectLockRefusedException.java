package dev.strata.schemas.store.failure;

import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.store.StoreOperation;

/**
 * A put that carried a per-object Object Lock (its retain-until) was refused as an invalid request:
 * the bucket has no Object Lock, so nothing written there could be kept from deletion.
 */
public final class ObjectLockRefusedException extends StoreException {

    private static final long serialVersionUID = 1L;

    public ObjectLockRefusedException(String store, ObjectKey key, Throwable cause) {
        super(StoreOperation.PUT, store, key, "the bucket refused the object's Object Lock headers (400 InvalidRequest): it has no"
                + " Object Lock", cause);
    }
}

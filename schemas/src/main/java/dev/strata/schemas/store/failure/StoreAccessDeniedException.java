package dev.strata.schemas.store.failure;

import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.store.StoreOperation;

/** The store refused the credential this operation (HTTP 403). */
public final class StoreAccessDeniedException extends StoreException {

    private static final long serialVersionUID = 1L;

    public StoreAccessDeniedException(StoreOperation operation, String store, ObjectKey key, String serverCode, Throwable cause) {
        super(operation, store, key, "access denied (403 " + serverCode + "): " + operation.accessFix(), cause);
    }
}

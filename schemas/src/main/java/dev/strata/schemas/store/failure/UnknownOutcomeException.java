package dev.strata.schemas.store.failure;

import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.store.StoreOperation;

/**
 * A write whose request was sent but whose answer never came (timeout, lost connection, 5xx): the
 * object may or may not be stored. Neither success nor failure: the caller must not count it as
 * durable and must not write other bytes under the key; it retries the same put, which finds out.
 */
public final class UnknownOutcomeException extends StoreException {

    private static final long serialVersionUID = 1L;

    public UnknownOutcomeException(StoreOperation operation, String store, ObjectKey key, String problem, Throwable cause) {
        super(operation, store, key, "outcome unknown (" + problem + "): the object may or may not be stored;"
                + " retry the same put, which detects either case", cause);
    }
}

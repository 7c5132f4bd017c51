package dev.strata.schemas.store.failure;

import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.store.StoreOperation;

/**
 * The store could not be reached, or a read got no answer in time. For a PUT this is raised only
 * when the request was certainly not sent (the connection was never made); otherwise a PUT raises
 * {@link UnknownOutcomeException}.
 */
public final class StoreUnavailableException extends StoreException {

    private static final long serialVersionUID = 1L;

    public StoreUnavailableException(StoreOperation operation, String store, ObjectKey key, String problem, Throwable cause) {
        super(operation, store, key, problem + "; check that the endpoint is up and reachable from here, then retry", cause);
    }
}

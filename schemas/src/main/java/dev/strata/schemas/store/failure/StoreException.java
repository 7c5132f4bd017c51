package dev.strata.schemas.store.failure;

import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.store.StoreOperation;
import java.util.Objects;
import java.util.Optional;

/**
 * A store operation that did not succeed. Messages name the operation, the bucket, the key and the
 * endpoint, and never a credential's secret.
 */
public abstract class StoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final StoreOperation operation;
    private final String store;
    private final transient ObjectKey key;

    protected StoreException(StoreOperation operation, String store, ObjectKey key, String problem, Throwable cause) {
        super(operation + " " + (key == null ? "" : key + " ") + "in " + store + ": " + problem, cause);
        this.operation = Objects.requireNonNull(operation, "operation");
        this.store = Objects.requireNonNull(store, "store");
        this.key = key;
    }

    public StoreOperation operation() {
        return operation;
    }

    /** The store, as "bucket 'b' at endpoint". */
    public String store() {
        return store;
    }

    public Optional<ObjectKey> key() {
        return Optional.ofNullable(key);
    }
}

package dev.strata.schemas.crypto;

/** A data key that cannot be had: destroyed (the tenant was erased), never created, or its store unreadable. */
public final class DataKeyUnavailableException extends RuntimeException {
    private final boolean configuration;

    /** The store lacks the key, or may not give it. */
    public DataKeyUnavailableException(String message, Throwable cause) {
        this(message, cause, false);
    }

    private DataKeyUnavailableException(String message, Throwable cause, boolean configuration) {
        super(message, cause);
        this.configuration = configuration;
    }

    /** The key may be there, but this process is not set up to read it: no key-encryption key, or not the sink's. */
    public static DataKeyUnavailableException configuration(String message, Throwable cause) {
        return new DataKeyUnavailableException(message, cause, true);
    }

    /** Whether the fix is in this process's configuration (its key-encryption key file), not in the store. */
    public boolean configuration() {
        return configuration;
    }
}

package dev.strata.schemas.crypto;

/** A data key that cannot be had: destroyed (the tenant was erased), never created, or its store unreadable. */
public final class DataKeyUnavailableException extends RuntimeException {
    public DataKeyUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}

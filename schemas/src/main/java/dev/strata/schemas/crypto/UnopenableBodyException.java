package dev.strata.schemas.crypto;

/** A sealed body that does not open: altered, moved to another object key, or sealed under another key. */
public final class UnopenableBodyException extends RuntimeException {
    public UnopenableBodyException(String message, Throwable cause) {
        super(message, cause);
    }
}

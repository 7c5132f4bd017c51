package dev.strata.restore;

/**
 * A server the tool needs (an object store, Kafka, the target or scratch database) did not answer.
 * Nothing in the input is wrong: the same command may succeed later. Exit code 4.
 */
public final class UnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UnavailableException(String message) {
        super(message);
    }

    public UnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}

package dev.strata.sink;

/** The sink stopped on an error it cannot retry: access denied, an unlocked bucket, a dead-letter topic that refuses writes. */
public final class SinkFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SinkFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}

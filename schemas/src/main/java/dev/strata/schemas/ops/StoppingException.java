package dev.strata.schemas.ops;

/** A wait (a retry's backoff) was cut short because the service is stopping: neither success nor failure. */
public final class StoppingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StoppingException(String what) {
        super(what + ": the service is stopping");
    }
}

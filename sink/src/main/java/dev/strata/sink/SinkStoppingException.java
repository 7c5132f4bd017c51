package dev.strata.sink;

/** A wait (a retry's backoff) was cut short because the sink is stopping: neither success nor failure. */
public final class SinkStoppingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SinkStoppingException(String what) {
        super(what + ": the sink is stopping");
    }
}

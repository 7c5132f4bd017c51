package dev.strata.schemas.event;

import java.util.Objects;

/**
 * Bytes that are not a ChangeEvent this build can read. The router sends such records to the
 * dead-letter topic as DECODE_ERROR with {@link #reason()} in a header.
 */
public final class UndecodableEventException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Why decoding failed; each needs a different fix. */
    public enum Reason {
        /** No {@code C3 01} header: the producer did not use Strata's ChangeEventCodec. */
        NOT_SINGLE_OBJECT_ENCODED,
        /** A header naming a schema that no released version has: upgrade the reader or fix the producer. */
        UNKNOWN_SCHEMA,
        /** The header is fine but the body is truncated, corrupt or has trailing bytes. */
        MALFORMED_BODY
    }

    private final Reason reason;

    public UndecodableEventException(Reason reason, String message) {
        this(reason, message, null);
    }

    public UndecodableEventException(Reason reason, String message, Throwable cause) {
        super("cannot decode change event (" + reason + "): " + message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }
}

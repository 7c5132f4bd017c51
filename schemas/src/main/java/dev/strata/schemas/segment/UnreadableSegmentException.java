package dev.strata.schemas.segment;

/** Bytes that are not a segment this build can read: not an Avro container file, corrupt, or of an incompatible schema. */
public final class UnreadableSegmentException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public UnreadableSegmentException(String message, Throwable cause) {
        super(message, cause);
    }
}

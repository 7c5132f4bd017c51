package dev.strata.capture;

/** Capture cannot go on without losing or altering a change; it stops, and a restart resumes safely. */
final class CaptureStoppedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CaptureStoppedException(String message, Throwable cause) {
        super(message, cause);
    }

    CaptureStoppedException(String message) {
        super(message);
    }
}

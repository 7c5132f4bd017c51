package dev.strata.restore;

/**
 * The backup is not what was written: an object's SHA-256 does not match its manifest in any
 * region, a manifest link is broken, an object a manifest names is gone. Exit code 3. The message
 * names the object and the region.
 */
public final class VerificationFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public VerificationFailedException(String message) {
        super(message);
    }

    public VerificationFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}

package dev.strata.schemas.manifest;

/** Bytes that are not a manifest this build can read. */
public final class ManifestFormatException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ManifestFormatException(String message) {
        super(message);
    }

    public ManifestFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}

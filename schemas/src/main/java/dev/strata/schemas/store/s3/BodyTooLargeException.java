package dev.strata.schemas.store.s3;

import java.io.IOException;

/** A GET's body declared a length no array holds: it must be read to a file, and reading it again would not help. */
final class BodyTooLargeException extends IOException {

    private static final long serialVersionUID = 1L;

    BodyTooLargeException(String message) {
        super(message);
    }
}

package dev.strata.schemas.store.s3;

import java.io.IOException;

/** A GET's body ended before, or ran past, the length its response declared: the answer was cut off or garbled on the way. */
final class BodyLengthException extends IOException {

    private static final long serialVersionUID = 1L;

    BodyLengthException(String message) {
        super(message);
    }
}

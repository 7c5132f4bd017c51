package dev.strata.capture;

/** A column value that no ChangeEvent can carry exactly; the change goes to the dead letters instead. */
final class UnrepresentableValueException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UnrepresentableValueException(String detail) {
        super(detail);
    }
}

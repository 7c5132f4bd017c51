package dev.strata.capture.pg;

/** A column value that no ChangeEvent can carry exactly; the change goes to the dead letters instead. */
public final class UnrepresentableValueException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UnrepresentableValueException(String detail) {
        super(detail);
    }
}

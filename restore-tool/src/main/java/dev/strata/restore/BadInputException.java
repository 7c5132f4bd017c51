package dev.strata.restore;

/** The operator asked for something that cannot be done as asked; the message says what to do instead. Exit code 2. */
public final class BadInputException extends RuntimeException {
    public BadInputException(String message) {
        super(message);
    }
}

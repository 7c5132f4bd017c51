package dev.strata.restore.target.postgres;

import java.sql.SQLException;

/**
 * The session ended while a COMMIT was in flight (the connection lost, the server shut down or crashed, the backend
 * terminated): the server may have committed the transaction, or not. Never "nothing was changed" (see
 * {@link CommitOrDoubt}).
 */
public final class CommitInDoubtException extends SQLException {
    private static final long serialVersionUID = 1L;

    /**
     * {@code lost} is kept as suppressed, not as the cause, and no SQLState is copied: a lost connection's class 08 would
     * make it "unavailable, retry later" ({@code ExitCodes}), where someone must look before anything runs again.
     */
    public CommitInDoubtException(SQLException lost) {
        super("the session ended while its COMMIT was in flight: " + lost.getMessage());
        addSuppressed(lost);
    }
}

package dev.strata.restore.target.postgres;

import java.sql.SQLException;

/**
 * The session ended while a COMMIT was in flight (the connection lost, the server shut down or crashed, the backend
 * terminated): the server may have committed the transaction, or not. Never "nothing was changed" (see
 * {@link CommitOrDoubt}).
 */
public final class CommitInDoubtException extends SQLException {
    private static final long serialVersionUID = 1L;

    CommitInDoubtException(SQLException cause) {
        super("the session ended while its COMMIT was in flight: " + cause.getMessage(), cause.getSQLState(), cause);
    }
}

package dev.strata.restore.rollback;

import java.sql.SQLException;

/**
 * The session to the live database ended while the rollback's COMMIT was in flight (the connection lost, the server shut
 * down or crashed, the backend terminated): the server may have committed the rollback, or not. Never "nothing was
 * changed": the same rollback run again with --dry-run tells which (nothing left to do when it committed).
 */
public final class CommitInDoubtException extends SQLException {
    private static final long serialVersionUID = 1L;

    CommitInDoubtException(SQLException cause) {
        super("the session ended while the rollback's COMMIT was in flight: " + cause.getMessage(), cause.getSQLState(), cause);
    }
}

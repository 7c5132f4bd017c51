package dev.strata.restore.target.postgres;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Commits the transaction that writes a restore or a rollback. An error the server answers COMMIT with (a deferred
 * constraint, a serialization failure, a timeout) means it rolled the transaction back; a session that is gone once
 * COMMIT failed leaves the outcome unknown to the tool ({@link CommitInDoubtException}).
 */
public final class CommitOrDoubt {
    /** How long the session is given to answer, once its COMMIT failed, to tell an answered error from a lost session. */
    private static final int ALIVE_CHECK_SECONDS = 5;

    private CommitOrDoubt() {
    }

    public static void commit(Connection connection) throws SQLException {
        try {
            connection.commit();
        } catch (SQLException e) {
            if (gone(connection)) {
                throw new CommitInDoubtException(e);
            }
            throw e;
        }
    }

    private static boolean gone(Connection connection) {
        try {
            return connection.isClosed() || !connection.isValid(ALIVE_CHECK_SECONDS);
        } catch (SQLException e) {
            return true;
        }
    }
}

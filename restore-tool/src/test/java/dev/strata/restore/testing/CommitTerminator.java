package dev.strata.restore.testing;

import dev.strata.local.LocalPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;

/**
 * Ends a session in the middle of its COMMIT, as a lost connection or a server shut down at that moment would: the test
 * holds the COMMIT on the server (a deferred trigger that sleeps), and this terminates the session once
 * {@code pg_stat_activity} shows it running COMMIT.
 */
public final class CommitTerminator {
    private static final long POLL_MILLIS = 10;
    private static final int POLLS = 6_000;

    private CommitTerminator() {
    }

    /**
     * @param session which sessions of {@code database} to watch, as SQL over {@code pg_stat_activity} (e.g. its pid or
     *     application_name)
     * @return whether one was terminated in its COMMIT (false after a minute without one)
     */
    public static CompletableFuture<Boolean> terminate(LocalPostgres pg, String database, String session) {
        return CompletableFuture.supplyAsync(() -> {
            try (Connection admin = DriverManager.getConnection(pg.jdbcUrl(database), pg.user(), pg.password());
                 Statement s = admin.createStatement()) {
                for (int i = 0; i < POLLS; i++) {
                    try (ResultSet r = s.executeQuery("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + database
                            + "' AND (" + session + ") AND state = 'active' AND query = 'COMMIT'")) {
                        if (r.next()) {
                            return r.getBoolean(1);
                        }
                    }
                    Thread.sleep(POLL_MILLIS);
                }
                return false;
            } catch (SQLException | InterruptedException e) {
                throw new IllegalStateException("cannot watch " + database + " for a session in its COMMIT: " + e.getMessage(), e);
            }
        });
    }
}

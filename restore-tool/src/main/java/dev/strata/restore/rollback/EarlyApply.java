package dev.strata.restore.rollback;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * The fast path's apply, written in the snapshot's transaction while the wait for the durable point goes on, and committed
 * once the proof holds ({@link Rollback#apply}): after the wait a rollback is left with its commit. Without the proof the
 * transaction is rolled back with everything in it and the full difference runs, as before. The compared rows stay
 * locked until the commit, so it writes ahead only while the durable point is live: at most {@link #LIVE} behind the
 * snapshot, one or two of capture's heartbeats; and it takes the writes back (releasing the locks) when the proof has not
 * come {@link #LIVE} after them: the difference is then written after the wait, as without it.
 */
final class EarlyApply {
    static final Duration LIVE = Duration.ofSeconds(3);
    private static final String SAVEPOINT = "strata_rollback_apply";
    /** A row changed or deleted since the snapshot (serialization failure), a key given a row since it (unique violation). */
    private static final Set<String> WRITTEN_SINCE_SNAPSHOT = Set.of("40001", "23505");

    private final Connection connection;
    private final ApplyLimits limits;
    private final Clock clock;
    private final Function<SQLException, RuntimeException> failure;

    /** @param failure what the apply's other errors (a lock or statement timeout, the server gone) are reported as */
    EarlyApply(Connection connection, ApplyLimits limits, Clock clock, Function<SQLException, RuntimeException> failure) {
        this.connection = connection;
        this.limits = limits;
        this.clock = clock;
        this.failure = failure;
    }

    /** Whether to write ahead of the proof: a difference to write, and a durable point at most {@link #LIVE} behind the snapshot. */
    static boolean worthIt(Compared compared, long durableMicros, long snapshotMicros) {
        return !compared.nothingToDo() && snapshotMicros - durableMicros <= LIVE.toNanos() / 1000;
    }

    /**
     * Waits up to {@link #LIVE} for {@code proof}; without it by then, takes the writes back, so the rows are not held
     * locked through a long wait.
     *
     * @return whether the writes stand
     */
    boolean holdFor(CompletableFuture<?> proof) throws SQLException {
        try {
            proof.get(LIVE.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            undo();
            return false;
        } catch (ExecutionException e) {
            return true; // the proof's own join says why it failed
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the durable point to cover the live database", e);
        }
    }

    /**
     * Writes {@code compared}'s difference in the snapshot's transaction, after a savepoint, not committed. A row written by
     * another transaction since the snapshot ends the snapshot's transaction (keeping the difference's temp tables) and
     * refuses, naming the row: nothing is changed. The same errors with no such row (the rollback's own rows colliding on
     * a unique index) are reported as they are.
     */
    Applied apply(Compared compared) {
        Instant start = clock.instant();
        try {
            execute("SAVEPOINT " + SAVEPOINT);
            try {
                Map<String, long[]> done = compared.rollback().applyInSnapshot(limits.lockTimeoutSeconds(), limits.statementTimeoutSeconds());
                return new Applied(done, Duration.between(start, clock.instant()));
            } catch (SQLException e) {
                if (!WRITTEN_SINCE_SNAPSHOT.contains(e.getSQLState())) {
                    throw e;
                }
                undo();
                LiveCoverage.keep(connection); // out of the snapshot, where the newer version of the row can be seen and named
                compared.rollback().requireUnchanged();
                throw e;
            }
        } catch (SQLException e) {
            throw failure.apply(e);
        }
    }

    /** Takes back what {@link #apply} wrote: a second staging is about to change the difference. */
    void undo() throws SQLException {
        execute("ROLLBACK TO SAVEPOINT " + SAVEPOINT);
    }

    private void execute(String sql) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute(sql);
        }
    }
}

package dev.strata.restore.rollback;

import dev.strata.restore.durable.DurableReach;
import dev.strata.restore.plan.DurableBound;
import dev.strata.restore.plan.RestorePlan;
import dev.strata.restore.plan.RestoreTime;
import dev.strata.restore.plan.SnapshotVisibility;
import dev.strata.restore.replay.Replay;
import dev.strata.restore.store.RegimeStores;
import dev.strata.schemas.TenantId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Whether the tenant's backup holds every change the live database shows: the proof the fast path
 * of a rollback stands on. It opens a REPEATABLE READ transaction on the live session (the snapshot
 * the difference will be computed in) and reads the database's clock in its first statement: every
 * transaction visible in that snapshot committed before that time (PostgreSQL takes a commit's
 * timestamp before the transaction becomes visible). Once the tenant's durable point reaches it,
 * every change of the tenant in the snapshot is in both regions, so a key the log after the
 * restore point does not name has, in the snapshot, its row at the point.
 *
 * <p>The database must be the captured one: it must hold a logical replication slot (capture's).
 * Another database's rows (a copy, a restore) are in no log, and only the full difference sees them.
 */
final class LiveCoverage {
    /**
     * Capture's heartbeats move the durable point about once a second, and the rollback's rest waits for the move: asked
     * every 25 ms ({@link DurableReach}: one LIST per region), it is seen soon after.
     */
    private static final Duration POLL = Duration.ofMillis(25);

    /** @param toDurablePoint a plan to a durable point at or after the snapshot's time, when proven; else why not */
    record Outcome(Optional<RestorePlan> toDurablePoint, String why) {
    }

    /**
     * @param micros the snapshot's time, which the durable point must reach
     * @param visible the transactions the snapshot sees
     * @param refused why there is no snapshot to prove
     */
    record Snapshot(long micros, SnapshotVisibility visible, Optional<String> refused) {
    }

    private LiveCoverage() {
    }

    /** Begins the snapshot's transaction on {@code connection}; on a refusal the transaction is ended again. */
    static Snapshot begin(Connection connection) throws SQLException {
        connection.setAutoCommit(false);
        connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        long snapshotMicros;
        SnapshotVisibility visible;
        // the transaction's snapshot is taken as this first statement begins: the clock, read after, is later than every
        // commit it sees
        try (PreparedStatement s = connection.prepareStatement("SELECT (extract(epoch FROM clock_timestamp()) * 1000000)::bigint,"
                + " pg_current_snapshot()::text"); ResultSet r = s.executeQuery()) {
            r.next();
            snapshotMicros = r.getLong(1);
            visible = SnapshotVisibility.parse(r.getString(2));
        }
        if (single(connection, "SELECT count(*) FROM pg_replication_slots WHERE slot_type = 'logical' AND database = current_database()") == 0) {
            end(connection);
            return new Snapshot(snapshotMicros, visible, Optional.of("the live database holds no logical replication slot, so it is not"
                    + " the database capture reads (a copy or a restore is in no log)"));
        }
        return new Snapshot(snapshotMicros, visible, Optional.empty());
    }

    /**
     * Waits, up to {@code wait}, for the durable point to reach the snapshot's time, and plans to it; uses no connection,
     * so staging may go on in the snapshot's session meanwhile.
     *
     * @param baseCutNoLaterThanMicros the rollback's point: the plan starts from a base at or before it
     * @param abandoned true once the rollback no longer needs the proof: the wait ends with a refusal
     */
    static Outcome await(Replay replay, RegimeStores stores, TenantId tenant, Snapshot snapshot, long baseCutNoLaterThanMicros,
                         Duration wait, Clock clock, BooleanSupplier abandoned) {
        Instant deadline = clock.instant().plus(wait);
        DurableBound durable = replay.durable(tenant);
        if (!durable.proven()) {
            return new Outcome(Optional.empty(), "tenant " + tenant + " has no durable mark, so nothing proves the backup holds every"
                    + " change of the live database");
        }
        // then only whether a mark at or after the snapshot is there yet: a plan lists the whole log, once one is
        boolean reached = durable.pointMicros().orElseThrow() >= snapshot.micros();
        while (!abandoned.getAsBoolean()) {
            if (reached) {
                RestorePlan plan = replay.plan(tenant, RestoreTime.LATEST, baseCutNoLaterThanMicros);
                // the plan searches the newest mark anew: a region that alone held one past the snapshot may not answer it now
                if (plan.untilMicros() >= snapshot.micros()) {
                    return covered(plan, snapshot);
                }
            }
            if (!clock.instant().plus(POLL).isBefore(deadline)) {
                return new Outcome(Optional.empty(), "the durable point " + RestoreTime.format(replay.durable(tenant).pointMicros().orElseThrow())
                        + " did not reach the live database's snapshot of " + RestoreTime.format(snapshot.micros()) + " within "
                        + wait.toSeconds() + " s (is the tenant's capture and sink running? restore-tool status shows it; or raise"
                        + " --wait-durable)");
            }
            sleep();
            reached = DurableReach.reached(stores, tenant, snapshot.micros()).isPresent();
        }
        return new Outcome(Optional.empty(), "abandoned");
    }

    private static Outcome covered(RestorePlan toDurablePoint, Snapshot snapshot) {
        return new Outcome(Optional.of(toDurablePoint), "the durable point " + RestoreTime.format(toDurablePoint.untilMicros())
                + " covers the live database's snapshot of " + RestoreTime.format(snapshot.micros()) + " (pg_current_snapshot "
                + snapshot.visible() + ")");
    }

    /** Abandons the snapshot's transaction: the full difference runs in plain statements, as it always has. */
    static void end(Connection connection) throws SQLException {
        connection.rollback();
        plain(connection);
    }

    /** Ends the snapshot's transaction keeping what it made: the staged rows and the difference, in temp tables. */
    static void keep(Connection connection) throws SQLException {
        connection.commit();
        plain(connection);
    }

    private static void plain(Connection connection) throws SQLException {
        connection.setAutoCommit(true);
        connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
    }

    private static long single(Connection connection, String sql) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement(sql); ResultSet r = s.executeQuery()) {
            r.next();
            return r.getLong(1);
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the durable point to cover the live database", e);
        }
    }
}

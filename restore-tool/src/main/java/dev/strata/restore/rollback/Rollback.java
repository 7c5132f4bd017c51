package dev.strata.restore.rollback;

import dev.strata.restore.ExitCodes;
import dev.strata.restore.UnavailableException;
import dev.strata.restore.plan.RestorePlan;
import dev.strata.restore.replay.Replay;
import dev.strata.restore.replay.ReplaySummary;
import dev.strata.restore.target.PostgresTarget.PgConnectionSpec;
import dev.strata.restore.target.RowPredicate;
import dev.strata.schemas.TenantId;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One tenant put back to a restore point in the live database: the tenant's rows at that point are
 * folded from the backup (as a replay does) into temporary tables of the live session, compared by
 * key with the tenant's live rows, and the difference applied in one transaction
 * ({@link TenantRollback}). Capture records that transaction like any other, so a rollback can be
 * rolled back.
 */
public final class Rollback implements AutoCloseable {
    private final Connection connection;
    private final TenantRollback tenantRollback;
    private final List<TableDiff> diffs;
    private final String took;

    private Rollback(Connection connection, TenantRollback tenantRollback, List<TableDiff> diffs, String took) {
        this.connection = connection;
        this.tenantRollback = tenantRollback;
        this.diffs = diffs;
        this.took = took;
    }

    /** Stages the tenant's rows at the plan's point and computes the difference; changes nothing yet. */
    /** @param where only the rows it holds for, at the point or live, are compared and changed */
    public static Rollback prepare(Replay replay, RestorePlan plan, PgConnectionSpec live, String tenantColumn, Set<String> tables,
                                   Optional<RowPredicate> where, Clock clock) {
        Connection connection = connect(live, plan.tenant());
        try {
            StagingTarget staging = new StagingTarget(connection, live.describe(), tenantColumn, tables);
            ReplaySummary staged = replay.run(plan, staging);
            Instant compare = clock.instant();
            TenantRollback rollback = new TenantRollback(connection, plan.tenant().value(), tenantColumn, staging.staged(), where);
            List<TableDiff> diffs = rollback.diff();
            String took = String.format(Locale.ROOT, "rows at the point staged in %.1f s (%s), compared in %.1f s",
                    staged.took().toMillis() / 1000.0, staged.phases(), Duration.between(compare, clock.instant()).toMillis() / 1000.0);
            return new Rollback(connection, rollback, diffs, took);
        } catch (SQLException e) {
            close(connection);
            throw failure("compare tenant " + plan.tenant() + "'s rows", live, e);
        } catch (RuntimeException e) {
            close(connection);
            throw e;
        }
    }

    public List<String> describeDiff() {
        return diffs.stream().map(RollbackReport::line).flatMap(List::stream).toList();
    }

    /** Where the preparation's time went: staging (read, fold, load) and the comparison. */
    public String took() {
        return took;
    }

    public boolean nothingToDo() {
        return diffs.stream().allMatch(TableDiff::empty);
    }

    /** @return per table: rows deleted, updated, inserted */
    public Map<String, long[]> apply(int lockTimeoutSeconds, int statementTimeoutSeconds, PgConnectionSpec live) {
        try {
            return tenantRollback.apply(lockTimeoutSeconds, statementTimeoutSeconds);
        } catch (SQLException e) {
            throw failure("apply the rollback (nothing was changed)", live, e);
        }
    }

    private static Connection connect(PgConnectionSpec live, TenantId tenant) {
        try {
            return DriverManager.getConnection(live.jdbcUrl(), live.properties());
        } catch (SQLException e) {
            throw failure("connect to the live database for tenant " + tenant, live, e);
        }
    }

    private static RuntimeException failure(String what, PgConnectionSpec live, SQLException e) {
        if (ExitCodes.unavailable(e)) {
            return new UnavailableException("cannot " + what + " in " + live.describe() + ": " + e.getMessage()
                    + " (check that the server is up and reachable, then retry)", e);
        }
        if ("55P03".equals(e.getSQLState()) || "57014".equals(e.getSQLState())) {
            return new IllegalStateException("cannot " + what + " in " + live.describe() + ": " + e.getMessage()
                    + " (the tenant's rows are locked or the work took too long: retry when the application is quieter, or raise"
                    + " --lock-timeout / --statement-timeout)", e);
        }
        return new IllegalStateException("cannot " + what + " in " + live.describe() + ": " + e.getMessage(), e);
    }

    @Override
    public void close() {
        close(connection);
    }

    private static void close(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            // the session ends with its temporary tables; nothing of the live rows depends on this close
        }
    }
}

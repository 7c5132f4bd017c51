package dev.strata.restore.rollback;

import dev.strata.restore.ExitCodes;
import dev.strata.restore.UnavailableException;
import dev.strata.restore.plan.RestorePlan;
import dev.strata.restore.replay.KeyFilter;
import dev.strata.restore.replay.Replay;
import dev.strata.restore.replay.ReplaySummary;
import dev.strata.restore.store.RegimeStores;
import dev.strata.restore.target.postgres.CommitInDoubtException;
import dev.strata.restore.target.postgres.CommitOrDoubt;
import dev.strata.restore.target.postgres.PgConnectionSpec;
import dev.strata.restore.target.postgres.RowPredicate;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.fold.select.TransactionFilter;
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
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.LongFunction;

/**
 * One tenant put back to a restore point in the live database: the tenant's rows at that point are
 * folded from the backup (as a replay does) into temporary tables of the live session, compared by
 * key with the tenant's live rows, and the difference applied in one transaction
 * ({@link TenantRollback}). Capture records that transaction like any other, so a rollback can be
 * rolled back.
 *
 * <p>The fast path folds and compares only the keys the log names after the point
 * ({@link ChangesSince}), in one snapshot of the live database that the backup is proven to hold
 * whole ({@link LiveCoverage}): any other key's row is then its row at the point. Without that proof
 * (no durable point covering the snapshot, not the captured database, a TRUNCATE or a definition
 * change since the point) the full difference compares every row of the tenant, as before. While that proof is awaited
 * the fast path may already write the difference in the snapshot's transaction ({@link EarlyApply}), which
 * {@link #apply} then only commits.
 */
public final class Rollback implements AutoCloseable {
    private final Connection connection;
    private final long pointMicros;
    private final Compared compared;
    private final Optional<ApplyLimits> limits;
    private final Optional<Applied> writtenAhead;
    private final String path;
    private final String took;
    private final Clock clock;

    private Rollback(Connection connection, long pointMicros, Compared compared, Optional<ApplyLimits> limits,
                     Optional<Applied> writtenAhead, String path, String took, Clock clock) {
        this.connection = connection;
        this.pointMicros = pointMicros;
        this.compared = compared;
        this.limits = limits;
        this.writtenAhead = writtenAhead;
        this.path = path;
        this.took = took;
        this.clock = clock;
    }

    /**
     * Stages the tenant's rows at the plan's point and computes the difference. Nothing is committed yet: the fast path may
     * have written the difference already, in its open snapshot transaction with the compared rows locked, which
     * {@link #apply} commits and {@link #close} takes back.
     *
     * @param where only the rows it holds for, at the point or live, are compared and changed
     * @param apply the apply's limits; empty for a dry run. The fast path may write the difference ahead of its proof, in
     *     the snapshot's transaction that {@link #apply} then commits ({@link EarlyApply})
     * @param fastPathWait how long the fast path may wait for the durable point to cover the live database; empty: the full
     *     difference without trying
     * @param parked for the point, why a change of the live database may be in no log (parked); empty when none is
     */
    public static Rollback prepare(Replay replay, RegimeStores stores, PointPlan point, PgConnectionSpec live, String tenantColumn,
                                   Set<String> tables, Optional<RowPredicate> where, Optional<ApplyLimits> apply,
                                   Optional<Duration> fastPathWait, LongFunction<Optional<String>> parked, Clock clock) {
        Connection connection = connect(live, point.tenant());
        try {
            Function<StagingTarget, TenantRollback> rollbackOf = staging -> new TenantRollback(connection, point.tenant().value(),
                    tenantColumn, staging.staged(), where);
            FastPathStaging.Outcome fast = FastPathStaging.Outcome.refused("--full-diff");
            if (fastPathWait.isPresent()) {
                // the dead-letter topic is read while the durable point is awaited and the log after the point is read
                CompletableFuture<Optional<String>> parkedNow = point.then(p -> parked.apply(p.untilMicros()));
                fast = new FastPathStaging(connection, replay, stores, live.describe(), tenantColumn, tables, where.isEmpty())
                        .stage(point, parkedNow, fastPathWait.get(), rollbackOf, apply.map(limits -> new EarlyApply(connection, limits, clock,
                                e -> failure("apply the rollback (nothing was changed)", live, e))), clock);
            }
            RestorePlan plan = point.get();
            ReplaySummary staged;
            Compared compared;
            Optional<Applied> writtenAhead = Optional.empty();
            if (fast.staged().isPresent()) {
                staged = fast.staged().get().summary();
                compared = fast.staged().get().compared();
                writtenAhead = fast.staged().get().applied();
                if (writtenAhead.isEmpty()) {
                    LiveCoverage.keep(connection); // the difference is in temp tables, which outlive the snapshot's transaction
                }
            } else {
                StagingTarget staging = new StagingTarget(connection, live.describe(), tenantColumn, tables);
                staged = replay.run(plan, staging, TransactionFilter.ALL, KeyFilter.ALL);
                compared = Compared.of(rollbackOf, staging, clock);
            }
            String took = String.format(Locale.ROOT, "rows at the point staged in %.1f s (%s), compared in %.1f s",
                    staged.took().toMillis() / 1000.0, staged.phases(), compared.took().toMillis() / 1000.0);
            return new Rollback(connection, plan.untilMicros(), compared, apply, writtenAhead, fast.path(), took, clock);
        } catch (SQLException e) {
            close(connection);
            throw failure("compare tenant " + point.tenant() + "'s rows", live, e);
        } catch (RuntimeException e) {
            close(connection);
            throw e;
        }
    }

    /** The restore point the rows were put back to. */
    public long pointMicros() {
        return pointMicros;
    }

    public List<String> describeDiff() {
        return compared.diffs().stream().map(RollbackReport::line).flatMap(List::stream).toList();
    }

    /** Which path computed the difference, and why: the fast path (only the keys changed since the point) or the full difference. */
    public String path() {
        return path;
    }

    /** Where the preparation's time went: staging (read, fold, load) and the comparison. */
    public String took() {
        return took;
    }

    public boolean nothingToDo() {
        return compared.nothingToDo();
    }

    /** Applies the difference in one transaction: commits the one written ahead of the proof, else writes it now. */
    public Applied apply(PgConnectionSpec live) {
        ApplyLimits given = limits.orElseThrow(() -> new IllegalStateException("a dry run's rollback is not applied"));
        Instant start = clock.instant();
        try {
            if (writtenAhead.isPresent()) {
                CommitOrDoubt.commit(connection); // nothing more on this session: a failure after it is no failure to apply
                return new Applied(writtenAhead.get().done(), writtenAhead.get().took().plus(Duration.between(start, clock.instant())));
            }
            Map<String, long[]> done = compared.rollback().apply(given.lockTimeoutSeconds(), given.statementTimeoutSeconds());
            return new Applied(done, Duration.between(start, clock.instant()));
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
        if (e instanceof CommitInDoubtException) { // exit 1, not "retry later": someone must look before anything runs again
            return new IllegalStateException("cannot tell whether the rollback committed in " + live.describe() + ": " + e.getMessage()
                    + " (the server may have committed it or not: run the same rollback with --dry-run, which shows nothing left"
                    + " to do if it did)", e);
        }
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

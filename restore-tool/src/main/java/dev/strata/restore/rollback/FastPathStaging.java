package dev.strata.restore.rollback;

import dev.strata.restore.plan.RestorePlan;
import dev.strata.restore.plan.RestoreTime;
import dev.strata.restore.replay.KeyFilter;
import dev.strata.restore.replay.Replay;
import dev.strata.restore.replay.RowAtPoint;
import dev.strata.restore.replay.ReplaySummary;
import dev.strata.restore.store.DaemonPool;
import dev.strata.restore.store.RegimeStores;
import dev.strata.schemas.fold.select.TransactionFilter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The fast path's staging: only the keys the log names after the point, in a snapshot of the live
 * database the backup is proven to hold whole ({@link LiveCoverage}).
 *
 * <p>The proof waits for the durable point to pass the snapshot's time (capture's next heartbeat,
 * about a second) and for the read of the dead-letter topic, and staging does not: it begins at
 * once with the keys the log names up to the durable point of just before the snapshot, while
 * other threads wait (and the live rows of those keys are read in the snapshot meanwhile: {@link LiveRowsAhead}); the log
 * from there to the snapshot's time is then read, and the keys only it names are staged in a second, small pass. The
 * difference of the first pass's keys is computed in the snapshot while the wait goes on too, and written there
 * ({@link EarlyApply}) unless a dry run; both are done anew only when a second pass staged more: after the wait, a
 * rollback is left with the tail's read and its commit.
 * A key whose first change after the point carries its whole old row (REPLICA IDENTITY FULL) has that row at the point:
 * it is staged from it, and the log before the point is not read for it.
 * Only the transactions the snapshot sees count (its {@code pg_current_snapshot()}): a key changed
 * only by others has its row at the point in the snapshot, and that write is left as if made after
 * the rollback (compared, the apply's check would refuse every rollback of a tenant its application
 * keeps writing, since the log read to the durable point runs past the snapshot).
 */
final class FastPathStaging {

    /**
     * How the first pass read the rows at the point of the changed keys (staged in temp tables), and their difference;
     * when written ahead of the proof ({@link EarlyApply}), what was written, in the snapshot's transaction still open.
     */
    record Staged(ReplaySummary summary, Compared compared, Optional<Applied> applied) {
    }

    /** @param staged when the fast path holds; @param path the fast path's line, or why the full difference runs */
    record Outcome(Optional<Staged> staged, String path) {
        static Outcome refused(String why) {
            return new Outcome(Optional.empty(), "full difference: " + why);
        }
    }

    /** The name capture gives its schema history's event trigger (DdlHistory.TRIGGER; capture is not on this classpath). */
    static final String SCHEMA_HISTORY_TRIGGER = "strata_capture_ddl";

    private final Connection connection;
    private final Replay replay;
    private final RegimeStores stores;
    private final String describe;
    private final String tenantColumn;
    private final Set<String> tables;
    private final boolean liveRowsAhead;
    /** The changed tables' live catalog, read once per rollback: each check below asks it. */
    private final Map<String, LiveTable> live = new HashMap<>();

    /**
     * @param liveRowsAhead whether the changed keys' live rows are read while the log is ({@link LiveRowsAhead}); not with
     *     --where, which narrows them after the staging
     */
    FastPathStaging(Connection connection, Replay replay, RegimeStores stores, String describe, String tenantColumn, Set<String> tables,
                    boolean liveRowsAhead) {
        this.connection = connection;
        this.liveRowsAhead = liveRowsAhead;
        this.replay = replay;
        this.stores = stores;
        this.describe = describe;
        this.tenantColumn = tenantColumn;
        this.tables = tables;
    }

    /**
     * Stages the rows at the point of the keys changed since it, in the snapshot's transaction; on a refusal the transaction
     * is ended (its temp tables with it) and the outcome says why.
     *
     * @param parked why a change of the live database may be in no log (parked), read meanwhile; empty when none is
     * @param rollbackOf the rollback that compares a staging's rows with the live ones: the difference is computed while the
     *     wait goes on, and anew if keys are staged after it
     * @param early the apply written ahead of the proof while the durable point is live; empty for a dry run
     */
    Outcome stage(PointPlan pointPlan, CompletableFuture<Optional<String>> parked, Duration wait,
                  Function<StagingTarget, TenantRollback> rollbackOf, Optional<EarlyApply> early, Clock clock) throws SQLException {
        Instant start = clock.instant();
        RestorePlan point = pointPlan.get();
        replay.readManifestsAhead(point); // the staging's, read while the log after the point is
        RestorePlan now = pointPlan.toDurablePointNow();
        // taken after the durable point of now was read, so always later: the log up to that point is staged while the wait goes on
        LiveCoverage.Snapshot snapshot = LiveCoverage.begin(connection);
        if (snapshot.refused().isPresent()) {
            return Outcome.refused(snapshot.refused().get());
        }
        AtomicBoolean abandoned = new AtomicBoolean();
        LiveRowsAhead ahead = null;
        CompletableFuture<LiveCoverage.Outcome> covered = CompletableFuture.supplyAsync(
                () -> LiveCoverage.await(replay, stores, point.tenant(), snapshot, point.untilMicros(), wait, clock, abandoned::get), PointPlan.ASIDE);
        try {
            // every transaction up to the durable point of now is in the log, so committed before the snapshot began: all seen
            ChangesSince.Found found = ChangesSince.read(stores, now, point.untilMicros(), TransactionFilter.ALL);
            Optional<String> refused = refusal(found);
            if (refused.isEmpty() && parked.isDone()) {
                refused = DaemonPool.join(parked);
            }
            if (refused.isEmpty() && covered.isDone()) {
                refused = refusal(DaemonPool.join(covered));
            }
            if (refused.isPresent()) {
                return end(refused.get());
            }
            KeyFilter filter = found.filter(uniqueAtOnce(found), rowsAtPoint(found, point.tenant().value()));
            if (liveRowsAhead) {
                ahead = LiveRowsAhead.start(connection, describe, found.tables(), coveredTables(found), tenantColumn, point.tenant().value());
            }
            StagingTarget staging = new StagingTarget(connection, describe, tenantColumn, tables, Optional.of(found.tables()),
                    "strata_rollback_", Optional.ofNullable(ahead));
            ReplaySummary summary = replay.run(point, staging, TransactionFilter.ALL, filter);
            if (ahead != null) {
                ahead.settle(); // the staging awaited it before its rows came in; the comparison below needs the session
            }
            long fromOldRows = filter.given().size();
            // in the snapshot, whose keys changed since the point the log up to the durable point of now names: the wait for the
            // durable point to cover the snapshot goes on meanwhile
            Compared firstCompared = Compared.of(rollbackOf, staging, clock);
            Optional<EarlyApply> writing = early.filter(e -> EarlyApply.worthIt(firstCompared, now.untilMicros(), snapshot.micros()));
            Optional<Applied> applied = writing.map(e -> e.apply(firstCompared));
            Compared compared = firstCompared;

            if (applied.isPresent() && !writing.get().holdFor(CompletableFuture.allOf(parked, covered))) {
                applied = Optional.empty();
            }
            // the dead letters are read meanwhile, not before the staging: a cold Kafka client takes about half a second to
            // start, and a change that may be parked, rare, only leaves the staged rows unused
            refused = DaemonPool.join(parked);
            if (refused.isPresent()) {
                return end(refused.get());
            }
            LiveCoverage.Outcome coverage = DaemonPool.join(covered);
            if (coverage.toDurablePoint().isEmpty()) {
                return end(coverage.why());
            }
            // read on from where the first read ended (or from the point, if the durable point of now was still before it),
            // counting only the transactions the snapshot sees: a key changed only by others has its row at the point in it
            long since = Math.max(now.untilMicros(), point.untilMicros());
            ChangesSince.Found tail = ChangesSince.read(stores, coverage.toDurablePoint().get(), since, snapshot.visible());
            ChangesSince.Found more = found.newIn(tail);
            refused = refusal(more);
            if (refused.isPresent()) {
                return end(refused.get());
            }
            String second = "";
            if (!more.none()) {
                Instant secondStart = clock.instant();
                if (applied.isPresent()) {
                    writing.get().undo(); // before the staging's rows are added: the savepoint would take them back too
                }
                StagingTarget moreStaging = new StagingTarget(connection, describe, tenantColumn, tables, Optional.of(more.tables()),
                        "strata_rollback_more_", Optional.empty());
                KeyFilter moreFilter = more.filter(uniqueAtOnce(more), rowsAtPoint(more, point.tenant().value()));
                replay.run(point, moreStaging, TransactionFilter.ALL, moreFilter);
                fromOldRows += moreFilter.given().size();
                staging.add(moreStaging);
                compared = Compared.of(rollbackOf, staging, clock).after(compared);
                Compared again = compared;
                applied = applied.map(a -> writing.get().apply(again));
                second = String.format(Locale.ROOT, "; %,d key(s) named only after the durable point of %s, staged after the wait in"
                        + " %.1f s", more.keys(), RestoreTime.format(since), Duration.between(secondStart, clock.instant()).toMillis() / 1000.0);
            }
            String oldRows = fromOldRows == 0 ? "" : String.format(Locale.ROOT, "; %,d of them staged from the whole old row their first"
                    + " change carries, without reading the log before the point", fromOldRows);
            String path = String.format(Locale.ROOT, "fast path: only the %,d key(s) changed since the point (%,d change(s) in %d"
                    + " segment(s) read after it%s%s, in %.1f s); %s", found.keys() + more.keys(), found.events() + tail.events(),
                    found.segments() + tail.segments(), oldRows, second, Duration.between(start, clock.instant()).toMillis() / 1000.0,
                    coverage.why()) + (applied.isPresent() ? "; written in that snapshot while the proof was awaited, committed once it held" : "");
            return new Outcome(Optional.of(new Staged(summary, compared, applied)), path);
        } finally {
            abandoned.set(true);
            if (ahead != null) {
                ahead.settle(); // the session is the caller's again, whatever ended the staging
            }
        }
    }

    private LiveTable liveTable(String name) throws SQLException {
        LiveTable table = live.get(name);
        if (table == null) {
            table = LiveTable.read(connection, name, tenantColumn);
            live.put(name, table);
        }
        return table;
    }

    /** The changed tables the rollback covers (another may not even exist live), per name in the log's order, with their live catalog. */
    private Map<String, LiveTable> coveredTables(ChangesSince.Found found) throws SQLException {
        Map<String, LiveTable> covered = new LinkedHashMap<>();
        for (String name : found.tables().keySet()) {
            if (tables.isEmpty() || tables.contains(name)) {
                covered.put(name, liveTable(name));
            }
        }
        return covered;
    }

    /** Why the wait already ended without a proof, when it did. */
    private static Optional<String> refusal(LiveCoverage.Outcome coverage) {
        return coverage.toDurablePoint().isPresent() ? Optional.empty() : Optional.of(coverage.why());
    }

    private Outcome end(String why) throws SQLException {
        LiveCoverage.end(connection);
        return Outcome.refused(why);
    }

    /** Why the keys found cannot stand for the difference: a TRUNCATE or DDL since the point, or a live key not the captured one. */
    private Optional<String> refusal(ChangesSince.Found found) throws SQLException {
        if (found.fullDiffReason().isPresent()) {
            return found.fullDiffReason();
        }
        for (Map.Entry<String, LiveTable> e : coveredTables(found).entrySet()) {
            List<String> captured = found.tables().get(e.getKey()).shape().columns();
            LiveTable table = e.getValue();
            if (!Set.copyOf(table.key()).equals(Set.copyOf(captured))) {
                return Optional.of("table " + e.getKey() + "'s live key " + table.key() + " is not the key its changes carry " + captured);
            }
        }
        return Optional.empty();
    }

    /** Per changed table the rollback covers, which old rows stand for their key's row at the point ({@link #rowAtPoint}). */
    private Map<String, Predicate<RowAtPoint>> rowsAtPoint(ChangesSince.Found found, String tenant) throws SQLException {
        Map<String, Predicate<RowAtPoint>> accepted = new HashMap<>();
        for (Map.Entry<String, LiveTable> e : coveredTables(found).entrySet()) {
            LiveTable table = e.getValue();
            if (oldRowsTrusted(connection, table)) {
                accepted.put(e.getKey(), rowAtPoint(table, table.identityCandidates(connection), tenantColumn, tenant));
            }
        }
        return accepted;
    }

    /**
     * Whether the table's old rows may stand for rows at the point at all: it is REPLICA IDENTITY FULL and capture's schema
     * history trigger is enabled in the live database, a sign (not a proof: capture may run with the history off beside a
     * trigger left installed) that a change of the identity or of the columns after the point is a definition change in
     * the log, which takes the full difference. Each row is judged too ({@link #rowAtPoint}).
     */
    static boolean oldRowsTrusted(Connection connection, LiveTable live) throws SQLException {
        return schemaHistoryOn(connection) && live.replicaIdentityFull(connection);
    }

    /** Whether capture's schema history trigger is enabled in the live database (capture's DdlHistory.TRIGGER). */
    private static boolean schemaHistoryOn(Connection connection) throws SQLException {
        // 'O' and 'A' fire in every session; 'R' only in a replica's, 'D' never
        try (PreparedStatement s = connection.prepareStatement("SELECT evtenabled IN ('O', 'A') FROM pg_event_trigger WHERE evtname = ?")) {
            s.setString(1, SCHEMA_HISTORY_TRIGGER);
            try (ResultSet r = s.executeQuery()) {
                return r.next() && r.getBoolean(1);
            }
        }
    }

    /**
     * An old row stands for its key's row at the point when it holds every writable column the live table has (under
     * REPLICA IDENTITY DEFAULT it holds the key's alone); has a value outside the columns an identity other than FULL
     * sends ({@code identityCandidates}: a row Postgres logged under one, which capture took for whole, has NULL in every
     * other column); and, in a table tenants share, is the tenant's: an UPDATE that moved a row from a tenant capture could
     * not name carries that tenant's row. A row refused only costs the read of the log for its key.
     */
    static Predicate<RowAtPoint> rowAtPoint(LiveTable live, Set<String> identityCandidates, String tenantColumn, String tenant) {
        return row -> row.holds(live.columns()) && row.hasValueOutside(identityCandidates)
                && (!live.shared() || row.text(tenantColumn).equals(Optional.of(tenant)));
    }

    /** The changed tables whose live key is unique at every statement: a key given a row first after the point had none at it. */
    private Set<String> uniqueAtOnce(ChangesSince.Found found) throws SQLException {
        Set<String> unique = new HashSet<>();
        for (Map.Entry<String, LiveTable> e : coveredTables(found).entrySet()) {
            if (e.getValue().keyUniqueAtOnce(connection)) {
                unique.add(e.getKey());
            }
        }
        return unique;
    }
}

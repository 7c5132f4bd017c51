package dev.strata.restore.rollback;

import dev.strata.restore.store.DaemonPool;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * The live side of the fast path's difference, read in the snapshot while the log before the point is read for the rows
 * at the point: the session is idle then, and these reads need only the keys changed since the point. Per changed
 * table: those keys in a temp table, the tenant's live rows of them with their versions, and the keys whose live row
 * is another tenant's. The difference then joins temp tables after the staging instead of probing the live table once
 * per key three times ({@link TenantRollback#diff}). Nothing here writes or locks a live row.
 *
 * <p>It uses the session alone until {@link #tables} or {@link #settle} returns: the staging's target awaits the tables
 * before its first statement ({@link StagingTarget#begin}, after the read), and the fast path settles it whatever ended
 * the staging.
 */
final class LiveRowsAhead {
    private static final ExecutorService READER = DaemonPool.of("rollback-live-rows", 1);
    private static final String PREFIX = "strata_rollback_live_";

    /**
     * One changed table's live side.
     *
     * @param keys the temp table of its changed keys, in the live key's columns; @param keyValues the same keys
     * @param rows the temp table of the tenant's live rows of those keys, each with its version and place ({@link LiveTable#rowsOfKeys})
     * @param others the temp table of those keys whose live row is another tenant's (empty for a table of one tenant)
     * @param byPlace whether a row's place names it alone ({@link LiveTable#placeNamesARow}), so the rows can be locked by it
     */
    record Table(LiveTable live, String keys, Set<List<Object>> keyValues, String rows, String others, boolean byPlace) {
    }

    private final CompletableFuture<Map<String, Table>> read;

    private LiveRowsAhead(CompletableFuture<Map<String, Table>> read) {
        this.read = read;
    }

    /**
     * Starts reading, on a thread of its own, the live side of every changed table the rollback covers.
     *
     * @param covered the changed tables the rollback covers, with their live catalog
     * @param describe the live database, as errors name it
     */
    static LiveRowsAhead start(Connection connection, String describe, Map<String, ChangesSince.TableKeys> changed,
                               Map<String, LiveTable> covered, String tenantColumn, String tenant) {
        return new LiveRowsAhead(CompletableFuture.supplyAsync(() -> {
            try {
                return read(connection, changed, covered, tenantColumn, tenant);
            } catch (SQLException e) {
                throw new IllegalStateException("cannot read the live rows of the keys changed since the point in " + describe + ": "
                        + e.getMessage() + " (nothing was changed; --full-diff compares every row of the tenant instead)", e);
            }
        }, READER));
    }

    private static Map<String, Table> read(Connection connection, Map<String, ChangesSince.TableKeys> changed, Map<String, LiveTable> covered,
                                           String tenantColumn, String tenant) throws SQLException {
        CopyManager copies = connection.unwrap(PGConnection.class).getCopyAPI();
        Map<String, Table> tables = new HashMap<>();
        int n = 0;
        for (Map.Entry<String, LiveTable> e : covered.entrySet()) {
            String name = PREFIX + ++n;
            LiveTable live = e.getValue();
            Set<List<Object>> keyValues = ChangedKeyTable.load(connection, copies, live, name + "_keys", changed.get(e.getKey()));
            String keys = Sql.quote(name + "_keys");
            String key = Sql.join(live.key(), ", ", c -> c);
            String tenants = live.tenantRows(tenantColumn, tenant, "l");
            String rows = Sql.quote(name + "_rows");
            String others = Sql.quote(name + "_others");
            try (Statement s = connection.createStatement()) {
                s.execute("DROP TABLE IF EXISTS pg_temp." + rows + ", pg_temp." + others);
                if (live.shared()) { // one probe per key for both: the tenant's rows, and the keys another tenant holds
                    String any = Sql.quote(name + "_any");
                    s.execute("DROP TABLE IF EXISTS pg_temp." + any);
                    s.execute("CREATE TEMP TABLE " + any + " AS SELECT * FROM " + live.rowsOfKeys(keys, "true") + " a");
                    s.execute("CREATE TEMP TABLE " + rows + " AS SELECT * FROM pg_temp." + any + " l WHERE " + tenants);
                    s.execute("CREATE TEMP TABLE " + others + " AS SELECT " + key + " FROM pg_temp." + any + " l WHERE NOT (" + tenants + ")");
                    s.execute("DROP TABLE pg_temp." + any);
                } else { // the tenant's own table: no key is another's
                    s.execute("CREATE TEMP TABLE " + rows + " AS SELECT * FROM " + live.rowsOfKeys(keys, "true") + " a");
                    s.execute("CREATE TEMP TABLE " + others + " AS SELECT " + key + " FROM pg_temp." + rows + " WITH NO DATA");
                }
                s.execute("ANALYZE pg_temp." + rows);
            }
            tables.put(e.getKey(), new Table(live, name + "_keys", keyValues, name + "_rows", name + "_others",
                    live.placeNamesARow(connection)));
        }
        return tables;
    }

    /** The tables read, per table name; a failure of the read is thrown here, as the staging would have met it. */
    Map<String, Table> tables() {
        return DaemonPool.join(read);
    }

    /** Waits until the session is free again, whatever the read's outcome: before anyone else uses it after a failure. */
    void settle() {
        try {
            read.join();
        } catch (CompletionException | CancellationException e) {
            // reported by tables(), or not needed: the rollback is failing for another reason
        }
    }
}

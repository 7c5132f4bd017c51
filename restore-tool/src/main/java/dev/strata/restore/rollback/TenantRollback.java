package dev.strata.restore.rollback;

import dev.strata.restore.BadInputException;
import dev.strata.restore.target.postgres.CommitInDoubtException;
import dev.strata.restore.target.postgres.CommitOrDoubt;
import dev.strata.restore.target.postgres.RowPredicate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Puts one tenant's rows of the live database back to their staged state at the restore point, by
 * key, and touches no other row: every statement carries the tenant predicate (a shared table's
 * tenant column; a table of the tenant's own schema is the tenant's whole). The difference is
 * computed once into a temporary table (key and kind: delete, update, insert), with each of the
 * tenant's live rows' version ({@code xmin}, which every UPDATE changes); the apply runs in ONE
 * transaction that locks the rows it changes, checks that none of the tenant's rows changed since
 * the difference was computed (else refuses, naming the first such key), deletes children before
 * parents and inserts parents before children. A row it does not change may be written by the
 * application after that check: as if written after the rollback, which then committed first.
 *
 * <p>On the fast path each table also has the keys changed since the point ({@link StagingTarget.Staged#keys}): the
 * comparison, the remembered versions and the check read only the live rows of those keys. A row of another key
 * was, in the snapshot compared, its row at the point; one written after that snapshot is left as written, as if
 * written after the rollback (a write to a compared key makes the check refuse, as on the full difference).
 *
 * <p>With a predicate ({@code --where}) the rollback covers the keys whose row it holds for at the
 * point or live: the staged rows of other keys are dropped before the comparison, and every
 * statement on live rows also carries "key in scope". A row that holds for it on one side only is
 * put back whole (deleted, or its state at the point restored), never left half-done.
 */
final class TenantRollback {
    private static final int SAMPLES = 3;
    private static final String DELETE = "d";
    private static final String UPDATE = "u";
    private static final String INSERT = "i";
    private static final String VERSION = LiveTable.VERSION;

    private final Connection connection;
    private final String tenant;
    private final String tenantColumn;
    private final List<StagingTarget.Staged> tables;
    private final Optional<RowPredicate> where;

    TenantRollback(Connection connection, String tenant, String tenantColumn, List<StagingTarget.Staged> tables,
                   Optional<RowPredicate> where) {
        this.connection = connection;
        this.tenant = tenant;
        this.tenantColumn = tenantColumn;
        this.tables = List.copyOf(tables);
        this.where = where;
    }

    /** The difference per table, remembered with the versions of the live rows it was computed from, for the apply's check. */
    List<TableDiff> diff() throws SQLException {
        List<TableDiff> diffs = new ArrayList<>();
        for (StagingTarget.Staged t : tables) {
            if (where.isPresent()) {
                narrow(t, where.get());
            }
            requireOnlyTheTenant(t);
            requireNoOtherTenantsKey(t);
            String live = comparedRows(t);
            try (Statement s = connection.createStatement()) {
                s.execute("DROP TABLE IF EXISTS pg_temp." + seen(t) + ", pg_temp." + changes(t));
                s.execute("CREATE TEMP TABLE " + seen(t) + " AS SELECT " + keyList(t, "l") + ", l." + VERSION + " AS v FROM " + live + " l");
                s.execute("CREATE TEMP TABLE " + changes(t) + " AS SELECT " + Sql.join(t.live().key(), ", ", c -> "coalesce(l." + c
                        + ", s." + c + ") AS " + c) + ", CASE WHEN s." + firstKey(t) + " IS NULL THEN '" + DELETE + "' WHEN l." + firstKey(t)
                        + " IS NULL THEN '" + INSERT + "' ELSE '" + UPDATE + "' END AS kind FROM " + live
                        + " l FULL JOIN pg_temp." + Sql.quote(t.stage()) + " s ON " + keyMatch(t)
                        + " WHERE s." + firstKey(t) + " IS NULL OR l." + firstKey(t) + " IS NULL OR " + differs(t));
                if (t.keys().isPresent()) { // small on the fast path: indexed for the same reason as the changed keys
                    s.execute("CREATE INDEX ON pg_temp." + changes(t) + " (" + Sql.join(t.live().key(), ", ", c -> c) + ")");
                    s.execute("CREATE INDEX ON pg_temp." + seen(t) + " (" + Sql.join(t.live().key(), ", ", c -> c) + ")");
                    // the staged rows outlive a difference computed anew after a second staging: indexed once
                    s.execute("CREATE INDEX IF NOT EXISTS " + Sql.quote(t.stage() + "_key") + " ON pg_temp." + Sql.quote(t.stage()) + " ("
                            + Sql.join(t.live().key(), ", ", c -> c) + ")");
                }
                s.execute("ANALYZE pg_temp." + changes(t));
            }
            diffs.add(new TableDiff(t.live().name(), count(t, DELETE), count(t, UPDATE), count(t, INSERT),
                    samples(t, DELETE), samples(t, UPDATE), samples(t, INSERT)));
        }
        return diffs;
    }

    /** Applies the difference in one transaction, or refuses and changes nothing. */
    Map<String, long[]> apply(int lockTimeoutSeconds, int statementTimeoutSeconds) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try (Statement s = connection.createStatement()) {
            limit(s, lockTimeoutSeconds, statementTimeoutSeconds);
            for (StagingTarget.Staged t : tables) {
                // lock what changes, then check: a locked row cannot change after the check
                String changing = "d.kind IN ('" + DELETE + "', '" + UPDATE + "')";
                s.executeQuery(t.keys().isEmpty()
                        ? "SELECT 1 FROM " + t.live().qualified() + " l JOIN pg_temp." + changes(t) + " d ON " + keyMatch(t, "d", "l")
                                + " WHERE " + tenantPredicate(t, "l") + " AND " + changing + " FOR UPDATE OF l"
                        : "SELECT 1 FROM (SELECT DISTINCT " + keyList(t, "d") + " FROM pg_temp." + changes(t) + " d WHERE " + changing
                                + ") d CROSS JOIN LATERAL (SELECT 1 FROM " + t.live().qualified() + " l WHERE " + keyMatch(t, "d", "l") + " AND "
                                + tenantPredicate(t, "l") + " OFFSET 0 FOR UPDATE OF l) x").close();
                requireUnchanged(t);
            }
            Map<String, long[]> done = write();
            CommitOrDoubt.commit(connection);
            return done;
        } catch (CommitInDoubtException e) {
            throw e; // the session is gone: nothing to roll back in it, and nothing to set
        } catch (SQLException | RuntimeException e) {
            try {
                connection.rollback();
            } catch (SQLException lost) {
                e.addSuppressed(lost); // a session already gone: what ended it is the error to report
            }
            throw e;
        } finally {
            if (!connection.isClosed()) {
                connection.setAutoCommit(autoCommit);
            }
        }
    }

    /**
     * Applies the fast path's difference (of the keys changed since the point) in the REPEATABLE READ transaction it was
     * computed in, and leaves the commit to the caller. Every live row compared is locked first: one that another
     * transaction changed or deleted since the snapshot makes the lock fail (SQLSTATE 40001), and a key another transaction
     * gave a row makes its insert fail (23505), so nothing written after the snapshot is overwritten;
     * {@link #requireUnchanged()} then names the row, outside the snapshot. Rows read ahead are locked by their place
     * ({@link LiveTable#PLACE}), which names them only in the snapshot they were read in: so this runs only in that
     * snapshot's transaction (a savepoint rolled back keeps it; {@link LiveCoverage#keep} and {@link LiveCoverage#end}
     * end it, and the apply after them locks by key).
     */
    Map<String, long[]> applyInSnapshot(int lockTimeoutSeconds, int statementTimeoutSeconds) throws SQLException {
        try (Statement s = connection.createStatement()) {
            limit(s, lockTimeoutSeconds, statementTimeoutSeconds);
            for (StagingTarget.Staged t : tables) {
                String keys = t.keys().orElseThrow(() -> new IllegalStateException("written in the snapshot without the keys changed"
                        + " since the point: " + t.live().name()));
                Optional<LiveRowsAhead.Table> ahead = readAhead(t).filter(LiveRowsAhead.Table::byPlace);
                if (ahead.isPresent()) { // the same rows, read in this snapshot: found by place, not by key (10,000: 13 ms, not 50)
                    s.executeQuery("SELECT 1 FROM " + t.live().qualified() + " l WHERE l.ctid = ANY (ARRAY(SELECT " + LiveTable.PLACE
                            + " FROM pg_temp." + Sql.quote(ahead.get().rows()) + ")) AND " + tenantPredicate(t, "l") + " FOR UPDATE OF l").close();
                    continue;
                }
                s.executeQuery("SELECT 1 FROM (SELECT DISTINCT " + keyList(t, "c") + " FROM pg_temp." + Sql.quote(keys) + " c) c"
                        + " CROSS JOIN LATERAL (SELECT 1 FROM " + t.live().qualified() + " l WHERE " + keyMatch(t, "c", "l") + " AND "
                        + tenantPredicate(t, "l") + whereScope(t, "l") + " OFFSET 0 FOR UPDATE OF l) x").close();
            }
            return write();
        }
    }

    /** Refuses, naming the first, when a live row compared is not the version the difference was computed from. */
    void requireUnchanged() throws SQLException {
        for (StagingTarget.Staged t : tables) {
            requireUnchanged(t);
        }
    }

    private static void limit(Statement s, int lockTimeoutSeconds, int statementTimeoutSeconds) throws SQLException {
        s.execute("SET LOCAL lock_timeout = '" + lockTimeoutSeconds + "s'");
        s.execute("SET LOCAL statement_timeout = '" + statementTimeoutSeconds + "s'");
    }

    /** The difference's deletes (children first), updates and inserts (parents first); per table: rows deleted, updated, inserted. */
    private Map<String, long[]> write() throws SQLException {
        Map<String, long[]> done = new LinkedHashMap<>();
        List<StagingTarget.Staged> parentsFirst = new ForeignKeyOrder(connection).parentsFirst(tables);
        for (StagingTarget.Staged t : parentsFirst) {
            done.put(t.live().name(), new long[3]);
        }
        for (int i = parentsFirst.size() - 1; i >= 0; i--) {
            StagingTarget.Staged t = parentsFirst.get(i);
            done.get(t.live().name())[0] = update("DELETE FROM " + t.live().qualified() + " l USING pg_temp." + changes(t) + " d WHERE "
                    + keyMatch(t, "d", "l") + " AND d.kind = '" + DELETE + "' AND " + tenantPredicate(t, "l"));
        }
        for (StagingTarget.Staged t : parentsFirst) {
            List<String> set = nonKey(t);
            if (!set.isEmpty()) {
                done.get(t.live().name())[1] = update("UPDATE " + t.live().qualified() + " l SET " + Sql.join(set, ", ", c -> c + " = s." + c)
                        + " FROM pg_temp." + Sql.quote(t.stage()) + " s JOIN pg_temp." + changes(t) + " d ON " + keyMatch(t, "d", "s")
                        + " WHERE " + keyMatch(t) + " AND d.kind = '" + UPDATE + "' AND " + tenantPredicate(t, "l"));
            }
            // a key another transaction inserted meanwhile makes this fail on the key: nothing is overwritten
            done.get(t.live().name())[2] = update("INSERT INTO " + t.live().qualified() + " (" + Sql.join(t.columns(), ", ", c -> c)
                    + ") OVERRIDING SYSTEM VALUE SELECT " + Sql.join(t.columns(), ", ", c -> "s." + c) + " FROM pg_temp."
                    + Sql.quote(t.stage()) + " s JOIN pg_temp." + changes(t) + " d ON " + keyMatch(t, "d", "s") + " WHERE d.kind = '"
                    + INSERT + "'");
        }
        return done;
    }

    /** Every live row of the tenant (in scope) is the version the difference was computed from, and no row came or went. */
    private void requireUnchanged(StagingTarget.Staged t) throws SQLException {
        String now = "(SELECT " + keyList(t, "l") + ", l." + VERSION + " AS v FROM " + liveRows(t) + " l)";
        String sql = "SELECT " + Sql.join(t.live().key(), " || ', ' || ", c -> "coalesce(n." + c + "::text, b." + c + "::text)")
                + " FROM " + now + " n FULL JOIN pg_temp." + seen(t) + " b ON " + keyMatch(t, "n", "b")
                + " WHERE n.v IS DISTINCT FROM b.v LIMIT 1";
        try (PreparedStatement s = connection.prepareStatement(sql); ResultSet r = s.executeQuery()) {
            if (r.next()) {
                throw new BadInputException("rollback refused, nothing changed: a row of tenant " + tenant + " in " + t.live().name()
                        + " (key " + t.live().key() + " = " + r.getString(1) + ") changed after the difference was computed;"
                        + " run the rollback again to compute it anew");
            }
        }
    }

    /** Staged rows are the tenant's own; a staged row of another tenant would mean a broken backup, not a rollback. */
    private void requireOnlyTheTenant(StagingTarget.Staged t) throws SQLException {
        if (!t.live().shared() || !t.columns().contains(tenantColumn)) {
            return;
        }
        try (PreparedStatement s = connection.prepareStatement("SELECT count(*) FROM pg_temp." + Sql.quote(t.stage()) + " WHERE "
                + Sql.quote(tenantColumn) + "::text IS DISTINCT FROM '" + tenant + "'")) {
            try (ResultSet r = s.executeQuery()) {
                r.next();
                if (r.getLong(1) > 0) {
                    throw new IllegalStateException(r.getLong(1) + " row(s) restored for tenant " + tenant + " in " + t.live().name()
                            + " carry another tenant in " + tenantColumn + ": refusing to roll back (run restore-tool verify)");
                }
            }
        }
    }

    /** A key whose live row belongs to another tenant cannot be put back without touching that tenant. */
    private void requireNoOtherTenantsKey(StagingTarget.Staged t) throws SQLException {
        if (!t.live().shared()) {
            return;
        }
        String others = readAhead(t).map(a -> "pg_temp." + Sql.quote(a.others()) + " l ON " + keyMatch(t))
                .orElseGet(() -> t.live().qualified() + " l ON " + keyMatch(t) + " WHERE NOT (" + tenantPredicate(t, "l") + ")");
        String sql = "SELECT " + Sql.join(t.live().key(), " || ', ' || ", c -> "s." + c + "::text") + " FROM pg_temp." + Sql.quote(t.stage())
                + " s JOIN " + others + " LIMIT 1";
        try (PreparedStatement s = connection.prepareStatement(sql); ResultSet r = s.executeQuery()) {
            if (r.next()) {
                throw new BadInputException("rollback refused: " + t.live().name() + " key " + t.live().key() + " = " + r.getString(1)
                        + " belongs to another tenant in the live database now; putting tenant " + tenant + "'s row back would overwrite it");
            }
        }
    }

    private String differs(StagingTarget.Staged t) {
        List<String> set = nonKey(t);
        return set.isEmpty() ? "false"
                : "ROW(" + Sql.join(set, ", ", c -> "l." + c) + ") IS DISTINCT FROM ROW(" + Sql.join(set, ", ", c -> "s." + c) + ")";
    }

    private List<String> nonKey(StagingTarget.Staged t) {
        return t.columns().stream().filter(c -> !t.live().key().contains(c)).toList();
    }

    /**
     * Checks the predicate against the live table and the staged rows, then keeps the scope (the
     * keys whose row it holds for on either side) and drops the staged rows outside it.
     */
    private void narrow(StagingTarget.Staged t, RowPredicate predicate) throws SQLException {
        predicate.check(connection, t.live().qualified(), t.live().name());
        predicate.check(connection, "pg_temp." + Sql.quote(t.stage()), t.live().name() + " (its columns restored at the point)");
        String keys = Sql.join(t.live().key(), ", ", c -> c);
        try (Statement s = connection.createStatement()) {
            s.execute("DROP TABLE IF EXISTS pg_temp." + scope(t));
            s.execute("CREATE TEMP TABLE " + scope(t) + " AS SELECT " + keys + " FROM pg_temp." + Sql.quote(t.stage()) + " WHERE "
                    + predicate.parenthesized() + " UNION SELECT " + keyList(t, "l") + " FROM " + t.live().qualified() + " l WHERE "
                    + compared(t, "l") + " AND " + predicate.parenthesized());
            s.execute("DELETE FROM pg_temp." + Sql.quote(t.stage()) + " s WHERE NOT EXISTS (SELECT 1 FROM pg_temp." + scope(t) + " k WHERE "
                    + Sql.join(t.live().key(), " AND ", c -> "k." + c + " = s." + c) + ")");
        }
    }

    /**
     * The tenant's live rows the rollback covers (all of them, or with --where those of the keys in scope), as a
     * subquery with each row's version ({@code xmin}) as {@value #VERSION}; on the fast path, probed from the changed keys
     * ({@link LiveTable#rowsOfKeys}).
     */
    private String liveRows(StagingTarget.Staged t) {
        if (t.keys().isEmpty()) {
            return "(SELECT l.*, l.xmin AS " + VERSION + " FROM " + t.live().qualified() + " l WHERE " + inScope(t, "l") + ")";
        }
        return t.live().rowsOfKeys(Sql.quote(t.keys().get()), tenantPredicate(t, "l") + whereScope(t, "l"));
    }

    /** The live rows the difference compares: those read ahead while the log was, unless --where narrows them after the staging. */
    private String comparedRows(StagingTarget.Staged t) {
        return readAhead(t).map(a -> "pg_temp." + Sql.quote(a.rows())).orElseGet(() -> liveRows(t));
    }

    /** The live side read while the log was ({@link LiveRowsAhead}), where it stands for this comparison's. */
    private Optional<LiveRowsAhead.Table> readAhead(StagingTarget.Staged t) {
        return where.isPresent() ? Optional.empty() : t.ahead();
    }

    /** The tenant's live rows the rollback covers: all of them, or with --where those of the keys in scope. */
    private String inScope(StagingTarget.Staged t, String alias) {
        return compared(t, alias) + whereScope(t, alias);
    }

    /** With --where, " AND" the row's key is in scope; else nothing. */
    private String whereScope(StagingTarget.Staged t, String alias) {
        return where.isEmpty() ? "" : " AND EXISTS (SELECT 1 FROM pg_temp." + scope(t) + " k WHERE "
                + Sql.join(t.live().key(), " AND ", c -> "k." + c + " = " + alias + "." + c) + ")";
    }

    /**
     * The tenant's live rows the comparison reads: all of them (the full difference), or those of the
     * keys changed since the point (the fast path: every other key's row is, in this snapshot, its row at the point).
     */
    private String compared(StagingTarget.Staged t, String alias) {
        return tenantPredicate(t, alias) + t.keys().map(k -> " AND EXISTS (SELECT 1 FROM pg_temp." + Sql.quote(k) + " c WHERE "
                + Sql.join(t.live().key(), " AND ", c -> "c." + c + " = " + alias + "." + c) + ")").orElse("");
    }

    private static String scope(StagingTarget.Staged t) {
        return Sql.quote(t.stage() + "_scope");
    }

    private String tenantPredicate(StagingTarget.Staged t, String alias) {
        return t.live().tenantRows(tenantColumn, tenant, alias);
    }

    private String keyMatch(StagingTarget.Staged t) {
        return keyMatch(t, "s", "l");
    }

    private static String keyMatch(StagingTarget.Staged t, String left, String right) {
        return LiveTable.keyMatch(t.live().key(), left, right);
    }

    private static String firstKey(StagingTarget.Staged t) {
        return Sql.quote(t.live().key().get(0));
    }

    private static String changes(StagingTarget.Staged t) {
        return Sql.quote(t.stage() + "_changes");
    }

    private long update(String sql) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement(sql)) {
            return s.executeUpdate();
        }
    }

    private long count(StagingTarget.Staged t, String kind) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement("SELECT count(*) FROM pg_temp." + changes(t) + " WHERE kind = ?")) {
            s.setString(1, kind);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    private List<String> samples(StagingTarget.Staged t, String kind) throws SQLException {
        List<String> keys = new ArrayList<>();
        try (PreparedStatement s = connection.prepareStatement("SELECT " + keyList(t, "d") + " FROM pg_temp." + changes(t)
                + " d WHERE kind = ? LIMIT " + SAMPLES)) {
            s.setString(1, kind);
            try (ResultSet r = s.executeQuery()) {
                int n = r.getMetaData().getColumnCount();
                while (r.next()) {
                    StringBuilder key = new StringBuilder();
                    for (int i = 1; i <= n; i++) {
                        key.append(i > 1 ? ", " : "").append(t.live().key().get(i - 1)).append('=').append(r.getString(i));
                    }
                    keys.add(key.toString());
                }
            }
        }
        return keys;
    }

    private static String keyList(StagingTarget.Staged t, String alias) {
        return Sql.join(t.live().key(), ", ", c -> alias + "." + c);
    }

    private static String seen(StagingTarget.Staged t) {
        return Sql.quote(t.stage() + "_seen");
    }
}

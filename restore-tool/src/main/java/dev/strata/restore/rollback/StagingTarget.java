package dev.strata.restore.rollback;

import dev.strata.restore.BadInputException;
import dev.strata.restore.target.FoldedRow;
import dev.strata.restore.target.ReplayTarget;
import dev.strata.restore.target.RestoreScope;
import dev.strata.restore.target.TableTarget;
import dev.strata.restore.target.postgres.TableLoad;
import dev.strata.schemas.fold.TableShape;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * Receives a tenant's rows at the restore point and stages them in temporary tables of the live
 * database's session, one per table, in the columns the live table still has: the rollback then
 * compares and applies in SQL, next to the live rows, without moving them to the tool.
 */
final class StagingTarget implements ReplayTarget {
    private final Connection connection;
    private final String prefix;
    private final String describe;
    private final String tenantColumn;
    private final Set<String> onlyTables;
    private final Optional<Map<String, ChangesSince.TableKeys>> changed;
    private final Optional<LiveRowsAhead> ahead;
    private final Map<String, Staged> staged = new HashMap<>();
    /** With changed keys: per staged table, those keys; a row of any other key is not staged. */
    private final Map<Staged, ChangedKeyTable.Keys> stagedKeys = new IdentityHashMap<>(); // asked per row: by identity, not by hashing the record
    private final List<Staged> order = new ArrayList<>();
    private CopyManager copies;
    /** One COPY at a time on a connection: the table whose rows arrive now, and its COPY. */
    private Staged current;
    private TableLoad load;

    /**
     * One table staged: the live table, the temp table, and where each staged column sits in a restored row.
     *
     * @param typesExact whether the temp table's columns (the live table's types) have exactly the captured types, so that
     *     the rows can go in by binary COPY
     * @param keys with changed keys: the temp table holding them, in the live key's columns; the rollback compares only those
     * @param ahead the live rows of those keys, read while the log was ({@link LiveRowsAhead}); empty: the comparison reads them
     */
    record Staged(LiveTable live, String stage, List<String> columns, int[] fromRestored, TableTarget target, boolean typesExact,
                  Optional<String> keys, Optional<LiveRowsAhead.Table> ahead) {

        /** The same table, its live rows to be read by the comparison: more keys were added after they were read. */
        Staged withoutAhead() {
            return new Staged(live, stage, columns, fromRestored, target, typesExact, keys, Optional.empty());
        }
    }

    /** @param onlyTables the tables to roll back (empty: every table of the tenant) */
    StagingTarget(Connection connection, String describe, String tenantColumn, Set<String> onlyTables) {
        this(connection, describe, tenantColumn, onlyTables, Optional.empty());
    }

    /**
     * @param changed per table, the keys changed since the point (the fast path): only their rows are staged and compared;
     *     empty: every row (the full difference)
     */
    StagingTarget(Connection connection, String describe, String tenantColumn, Set<String> onlyTables,
                  Optional<Map<String, ChangesSince.TableKeys>> changed) {
        this(connection, describe, tenantColumn, onlyTables, changed, "strata_rollback_", Optional.empty());
    }

    /**
     * @param prefix the temp tables' names begin with it: a second staging in the same session needs its own
     * @param ahead the changed keys' live side, being read in the session meanwhile: awaited before the session is used
     */
    StagingTarget(Connection connection, String describe, String tenantColumn, Set<String> onlyTables,
                  Optional<Map<String, ChangesSince.TableKeys>> changed, String prefix, Optional<LiveRowsAhead> ahead) {
        this.prefix = prefix;
        this.ahead = ahead;
        this.connection = connection;
        this.describe = describe;
        this.tenantColumn = tenantColumn;
        this.onlyTables = onlyTables;
        this.changed = changed;
    }

    @Override
    public String describe() {
        return "rollback staging in " + describe;
    }

    @Override
    public void begin(RestoreScope scope) {
        List<String> names = scope.tables().stream().map(TableTarget::name).toList();
        onlyTables.stream().filter(t -> !names.contains(t)).findFirst().ifPresent(t -> {
            throw new BadInputException("--table " + t + ": tenant " + scope.tenant() + " has no change of it at or before the restore point;"
                    + " its tables there: " + names);
        });
        Map<String, LiveRowsAhead.Table> read = ahead.map(LiveRowsAhead::tables).orElse(Map.of());
        try {
            copies = connection.unwrap(PGConnection.class).getCopyAPI();
            for (TableTarget table : scope.tables()) {
                if (onlyTables.isEmpty() || onlyTables.contains(table.name())) {
                    stage(table, Optional.ofNullable(read.get(table.name())));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot stage the rows at the restore point in " + describe + ": " + e.getMessage(), e);
        }
    }

    private void stage(TableTarget restored, Optional<LiveRowsAhead.Table> readAhead) throws SQLException {
        LiveTable live = readAhead.isPresent() ? readAhead.get().live() : LiveTable.read(connection, restored.name(), tenantColumn);
        TableShape shape = restored.shape();
        List<String> columns = new ArrayList<>();
        List<String> types = new ArrayList<>();
        List<Integer> positions = new ArrayList<>();
        for (int i = 0; i < shape.columns().size(); i++) {
            if (live.columns().contains(shape.columns().get(i))) {
                columns.add(shape.columns().get(i));
                types.add(shape.pgTypes().get(i));
                positions.add(i);
            }
        }
        if (!columns.containsAll(live.key())) {
            throw new BadInputException("table " + live.name() + ": its key " + live.key() + " is not among the columns restored at that"
                    + " point " + shape.columns() + " (the key changed since): a rollback cannot match rows; leave it out with --table");
        }
        String stage = prefix + (order.size() + 1);
        try (Statement s = connection.createStatement()) {
            s.execute("DROP TABLE IF EXISTS pg_temp." + Sql.quote(stage));
            s.execute("CREATE TEMP TABLE " + Sql.quote(stage) + " AS SELECT " + Sql.join(columns, ", ", c -> c) + " FROM " + live.qualified()
                    + " WITH NO DATA");
        }
        TableShape stageShape = new TableShape("pg_temp." + stage, columns, types, live.key());
        Optional<String> keys = changed.map(c -> readAhead.map(LiveRowsAhead.Table::keys).orElse(stage + "_keys"));
        Staged table = new Staged(live, stage, columns, positions.stream().mapToInt(Integer::intValue).toArray(),
                new TableTarget(stageShape, Optional.empty(), restored.textValues()), types.equals(stageTypes(stage)), keys, readAhead);
        if (keys.isPresent()) {
            Set<List<Object>> keyValues = readAhead.isPresent() ? readAhead.get().keyValues()
                    : ChangedKeyTable.load(connection, copies, live, keys.get(), changed.get().get(restored.name()));
            stagedKeys.put(table, ChangedKeyTable.of(keyValues, live, columns));
        }
        staged.put(restored.name(), table);
        order.add(table);
    }

    @Override
    public void apply(FoldedRow row) {
        Staged table = staged.get(row.table().name());
        if (table == null || row.deleted()) {
            return;
        }
        Object[] values = new Object[table.fromRestored().length];
        for (int i = 0; i < values.length; i++) {
            values[i] = row.values()[table.fromRestored()[i]];
        }
        ChangedKeyTable.Keys keys = stagedKeys.get(table);
        if (keys != null && !keys.holds(values)) {
            return; // a row the base holds of a key unchanged since the point: its live row is the same
        }
        try {
            if (table != current) {
                finishRun();
                load = TableLoad.open(copies, table.target(), table.typesExact());
                current = table;
            }
            load.write(values);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot stage a row of " + table.live().name() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void commit() {
        try {
            finishRun();
            try (Statement s = connection.createStatement()) {
                for (Staged table : order) {
                    s.execute("ANALYZE pg_temp." + Sql.quote(table.stage())); // temp tables get no autovacuum: the comparison's joins need it
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot stage the rows at the restore point: " + e.getMessage(), e);
        }
    }

    /** The temp table's column types, as format_type writes them (as capture does). */
    private List<String> stageTypes(String stage) throws SQLException {
        List<String> types = new ArrayList<>();
        try (PreparedStatement s = connection.prepareStatement("SELECT format_type(atttypid, atttypmod) FROM pg_attribute"
                + " WHERE attrelid = ?::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum")) {
            s.setString(1, "pg_temp." + Sql.quote(stage));
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    types.add(r.getString(1));
                }
            }
        }
        return types;
    }

    private void finishRun() throws SQLException {
        if (load != null) {
            load.finish();
            load = null;
            current = null;
        }
    }

    /**
     * Adds what {@code more} staged (other keys) to this staging: rows and keys of a table staged here too go into its temp
     * tables (and {@code more}'s are dropped); a table staged only there (this staging's newest-first read stopped before
     * any change of it) is taken over as it is.
     */
    void add(StagingTarget more) {
        try (Statement s = connection.createStatement()) {
            for (Staged added : more.order) {
                Staged into = staged.get(added.live().name());
                if (into == null) {
                    staged.put(added.live().name(), added);
                    order.add(added);
                    continue;
                }
                if (!into.columns().equals(added.columns()) || into.keys().isEmpty() || added.keys().isEmpty()) {
                    throw new IllegalStateException("the second staging of " + added.live().name() + " does not fit the first: columns "
                            + added.columns() + " vs " + into.columns());
                }
                String columns = Sql.join(added.columns(), ", ", c -> c);
                String key = Sql.join(added.live().key(), ", ", c -> c);
                s.execute("INSERT INTO pg_temp." + Sql.quote(into.stage()) + " (" + columns + ") SELECT " + columns + " FROM pg_temp."
                        + Sql.quote(added.stage()));
                s.execute("INSERT INTO pg_temp." + Sql.quote(into.keys().get()) + " (" + key + ") SELECT " + key + " FROM pg_temp."
                        + Sql.quote(added.keys().get()));
                Staged widened = into.withoutAhead(); // its live rows read ahead lack the keys added
                staged.put(widened.live().name(), widened);
                order.set(order.indexOf(into), widened);
                stagedKeys.put(widened, stagedKeys.remove(into));
                s.execute("DROP TABLE pg_temp." + Sql.quote(added.stage()) + ", pg_temp." + Sql.quote(added.keys().get()));
                s.execute("ANALYZE pg_temp." + Sql.quote(into.stage()));
                s.execute("ANALYZE pg_temp." + Sql.quote(into.keys().get()));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot add the rows staged after the wait for the durable point in " + describe + ": "
                    + e.getMessage(), e);
        }
    }

    /** The staged tables, in the order the restore named them. */
    List<Staged> staged() {
        return List.copyOf(order);
    }

    @Override
    public void abort() {
        if (load != null) {
            load.cancel();
            load = null;
        }
    }

    @Override
    public void close() {
        // the temp tables go with the session, which the rollback closes
    }
}

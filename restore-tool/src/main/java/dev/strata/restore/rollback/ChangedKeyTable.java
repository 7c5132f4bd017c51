package dev.strata.restore.rollback;

import dev.strata.restore.BadInputException;
import dev.strata.restore.target.TableTarget;
import dev.strata.restore.target.postgres.TableLoad;
import dev.strata.schemas.fold.TableShape;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.postgresql.copy.CopyManager;

/**
 * One table's keys changed since the restore point, in the live session: a temp table in the live
 * key's columns (what the comparison joins the live rows on) and a set of the same keys (what
 * staging keeps of the rows at the point; the base's rows of other keys are not staged).
 */
final class ChangedKeyTable {
    /** The keys as {@link #keyOf} gives them, and where the live key's columns sit in a staged row. */
    record Keys(int[] positions, Set<List<Object>> keys) {
        boolean holds(Object[] stagedRow) {
            return keys.contains(keyOf(stagedRow, positions));
        }
    }

    private ChangedKeyTable() {
    }

    /**
     * @param changed the table's changed keys; null when none changed (the table is compared on no key)
     * @return the keys, as {@link #of} takes them
     */
    static Set<List<Object>> load(Connection connection, CopyManager copies, LiveTable live, String name,
                                  ChangesSince.TableKeys changed) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("DROP TABLE IF EXISTS pg_temp." + Sql.quote(name));
            s.execute("CREATE TEMP TABLE " + Sql.quote(name) + " AS SELECT " + Sql.join(live.key(), ", ", c -> c) + " FROM "
                    + live.qualified() + " WITH NO DATA");
        }
        Set<List<Object>> keys = new HashSet<>();
        if (changed != null) {
            TableShape captured = changed.shape();
            if (!new HashSet<>(captured.columns()).equals(new HashSet<>(live.key()))) {
                throw new BadInputException("table " + live.name() + ": its live key " + live.key() + " is not the key the backup holds "
                        + captured.columns() + "; roll back with --full-diff");
            }
            int[] fromCaptured = live.key().stream().mapToInt(captured::indexOf).toArray();
            List<String> types = new ArrayList<>();
            for (int i : fromCaptured) {
                types.add(captured.pgTypes().get(i));
            }
            TableLoad load = TableLoad.open(copies, new TableTarget(new TableShape("pg_temp." + name, live.key(), types, live.key())), false);
            for (Object[] values : changed.values().values()) {
                Object[] key = new Object[fromCaptured.length];
                for (int i = 0; i < key.length; i++) {
                    key[i] = values[fromCaptured[i]];
                }
                load.write(key);
                keys.add(keyOf(key, null));
            }
            load.finish();
        }
        try (Statement s = connection.createStatement()) {
            // indexed: a live table never analyzed since a bulk load is estimated at a few rows of the tenant, and a join
            // that scans this table once per live row took a minute at 400,000 rows (not unique: two captured forms of one
            // value, numeric 1.0 and 1.00, are two keys of the log but one of the table)
            s.execute("CREATE INDEX ON pg_temp." + Sql.quote(name) + " (" + Sql.join(live.key(), ", ", c -> c) + ")");
            s.execute("ANALYZE pg_temp." + Sql.quote(name));
        }
        return keys;
    }

    /** {@code keys} as {@link Keys} asks them of a staged row of {@code stagedColumns}, which hold the live key's. */
    static Keys of(Set<List<Object>> keys, LiveTable live, List<String> stagedColumns) {
        return new Keys(live.key().stream().mapToInt(stagedColumns::indexOf).toArray(), keys);
    }

    /** The values at {@code positions} (all, when null), bytes compared by content. */
    private static List<Object> keyOf(Object[] values, int[] positions) {
        int n = positions == null ? values.length : positions.length;
        List<Object> key = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Object v = values[positions == null ? i : positions[i]];
            key.add(v instanceof byte[] bytes ? ByteBuffer.wrap(bytes) : v);
        }
        return key;
    }
}

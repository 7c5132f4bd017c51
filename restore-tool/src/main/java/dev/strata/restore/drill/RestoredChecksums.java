package dev.strata.restore.drill;

import dev.strata.schemas.checkpoint.RowChecksum;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Compares a restored scratch database with a checkpoint, table by table, with the same
 * {@link RowChecksum} capture computed on the source. A table the checkpoint lists but the restore
 * did not create held no rows of the tenant (count 0); a restored table the checkpoint does not list
 * is compared with empty, so rows that should not be there fail the drill too.
 */
final class RestoredChecksums {
    private static final String EXISTS_SQL = """
            SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = ? AND c.relname = ? AND c.relkind IN ('r', 'p')""";

    private RestoredChecksums() {
    }

    static List<TableComparison> compare(Checkpoint checkpoint, Set<String> restoredTables, Connection scratch) throws SQLException {
        RowChecksum.fixSession(scratch);
        Set<String> tables = new TreeSet<>(checkpoint.tables().keySet());
        tables.addAll(restoredTables);
        List<TableComparison> compared = new ArrayList<>();
        for (String table : tables) {
            Checkpoint.Expected expected = checkpoint.tables().getOrDefault(table, new Checkpoint.Expected(0, RowChecksum.EMPTY));
            long rows = 0;
            String checksum = RowChecksum.EMPTY;
            String schema = table.substring(0, table.indexOf('.'));
            String name = table.substring(table.indexOf('.') + 1);
            if (exists(scratch, schema, name)) {
                String sql = "SELECT " + RowChecksum.AGGREGATE + " FROM " + quote(schema) + "." + quote(name) + " " + RowChecksum.ROW_ALIAS;
                try (Statement s = scratch.createStatement(); ResultSet row = s.executeQuery(sql)) {
                    row.next();
                    rows = row.getLong(1);
                    checksum = row.getString(2);
                }
            }
            compared.add(new TableComparison(table, expected.rows(), rows, expected.checksum(), checksum));
        }
        return compared;
    }

    private static boolean exists(Connection c, String schema, String name) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(EXISTS_SQL)) {
            s.setString(1, schema);
            s.setString(2, name);
            try (ResultSet row = s.executeQuery()) {
                row.next();
                return row.getLong(1) > 0;
            }
        }
    }

    private static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}

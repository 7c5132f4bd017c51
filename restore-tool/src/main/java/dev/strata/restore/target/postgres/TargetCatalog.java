package dev.strata.restore.target.postgres;

import dev.strata.schemas.fold.TableShape;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Set;

/** What a restore's target database already holds of a table. */
final class TargetCatalog {
    private TargetCatalog() {
    }

    /** The table's columns; empty when there is no such table. */
    static Set<String> columns(Connection connection, TableShape shape) throws SQLException {
        String sql = "SELECT a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
                + " JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE n.nspname = ? AND c.relname = ? AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped";
        Set<String> columns = new HashSet<>();
        try (PreparedStatement s = connection.prepareStatement(sql)) {
            s.setString(1, shape.schemaName());
            s.setString(2, shape.tableName());
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    columns.add(rs.getString(1));
                }
            }
        }
        return columns;
    }

    static boolean hasRows(Connection connection, TableShape shape) throws SQLException {
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT EXISTS (SELECT 1 FROM " + PgDdl.qualified(shape) + ")")) {
            return rs.next() && rs.getBoolean(1);
        }
    }
}

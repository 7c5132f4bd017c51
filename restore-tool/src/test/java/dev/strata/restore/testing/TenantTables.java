package dev.strata.restore.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A tenant's part of shared-schema tables as two databases can be compared: its rows, and each
 * table's definition from the catalog, as {@code \d} shows it.
 */
public final class TenantTables {
    private static final String COLUMNS = "SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,"
            + " pg_get_expr(d.adbin, d.adrelid), a.attidentity FROM pg_attribute a"
            + " LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
            + " WHERE a.attrelid = ?::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum";
    private static final String CONSTRAINTS = "SELECT contype::text || ' ' || pg_get_constraintdef(oid) FROM pg_constraint"
            + " WHERE conrelid = ?::regclass ORDER BY 1";
    private static final String INDEXES = "SELECT regexp_replace(indexdef, '^CREATE (UNIQUE )?INDEX \\S+ ', 'CREATE \\1INDEX ')"
            + " FROM pg_indexes WHERE schemaname || '.' || tablename = ? ORDER BY 1";

    private TenantTables() {
    }

    /**
     * The tenant's rows of {@code table}, each as its columns' text in name order (so the column
     * order of a definition does not matter here), sorted.
     */
    public static List<String> rows(Connection c, String table, String tenant) throws SQLException {
        List<String> names = columnNames(c, table);
        String row = "concat_ws('|', " + String.join(", ", names.stream().map(n -> "quote_nullable(t." + n + "::text)").toList()) + ")";
        return strings(c, "SELECT " + row + " AS r FROM " + table + " t WHERE tenant_id = ? ORDER BY r", tenant);
    }

    /** Each column: name, type (with modifiers), NOT NULL, default, identity; in column order. */
    public static List<String> columns(Connection c, String table) throws SQLException {
        List<String> columns = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(COLUMNS)) {
            s.setString(1, table);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    columns.add(rs.getString(1) + " " + rs.getString(2) + (rs.getBoolean(3) ? " not null" : "")
                            + (rs.getString(4) == null ? "" : " default " + rs.getString(4))
                            + (rs.getString(5).isEmpty() ? "" : " identity " + rs.getString(5)));
                }
            }
        }
        return columns;
    }

    /** Each column's name and type only: what a restore keeps without the schema history. */
    public static List<String> namesAndTypes(Connection c, String table) throws SQLException {
        return strings(c, "SELECT a.attname || ' ' || format_type(a.atttypid, a.atttypmod) FROM pg_attribute a"
                + " WHERE a.attrelid = ?::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum", table);
    }

    /** Constraints (primary key, unique, check, foreign key) and indexes, named by what they are, not what they are called. */
    public static List<String> constraintsAndIndexes(Connection c, String table) throws SQLException {
        List<String> all = new ArrayList<>(strings(c, CONSTRAINTS, table));
        all.addAll(strings(c, INDEXES, table));
        return all;
    }

    private static List<String> columnNames(Connection c, String table) throws SQLException {
        return strings(c, "SELECT quote_ident(attname) FROM pg_attribute WHERE attrelid = ?::regclass AND attnum > 0"
                + " AND NOT attisdropped ORDER BY attname", table);
    }

    private static List<String> strings(Connection c, String sql, String parameter) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, parameter);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    /**
     * Which of {@code tables} someone holds an AccessExclusiveLock on in this database: on a paused
     * recovery, a replayed lock of a DDL not committed at the target, which blocks every read.
     */
    public static List<String> exclusivelyLocked(Connection c, List<String> tables) throws SQLException {
        List<String> locked = new ArrayList<>();
        try (java.sql.Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT DISTINCT n.nspname || '.' || r.relname FROM pg_locks l JOIN pg_class r"
                     + " ON r.oid = l.relation JOIN pg_namespace n ON n.oid = r.relnamespace WHERE l.granted AND l.mode ="
                     + " 'AccessExclusiveLock' AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())")) {
            while (rs.next()) {
                if (tables.contains(rs.getString(1))) {
                    locked.add(rs.getString(1));
                }
            }
        }
        return locked;
    }
}

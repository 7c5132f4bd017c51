package dev.strata.capture.pg;

import dev.strata.capture.CaptureConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Reads table shapes from the source database's catalog: declared column types (through domains
 * down to the base type) and the replica identity. One JDBC connection, opened on first use and
 * reopened after a failure. Not thread-safe: the engine's one consumer thread uses it.
 */
public final class TableCatalog implements AutoCloseable {
    private static final String TABLE_SQL = """
            SELECT c.oid, c.relreplident
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = ? AND c.relname = ? AND c.relkind IN ('r', 'p')""";
    private static final String COLUMNS_SQL = """
            WITH RECURSIVE cols AS (
                SELECT a.attnum, a.attname, format_type(a.atttypid, a.atttypmod) AS declared, a.atttypid AS tid,
                       (SELECT typname FROM pg_type WHERE oid = a.atttypid) AS own
                FROM pg_attribute a WHERE a.attrelid = ? AND a.attnum > 0 AND NOT a.attisdropped
            ), base(attnum, tid) AS (
                SELECT attnum, tid FROM cols
                UNION ALL
                SELECT b.attnum, t.typbasetype FROM base b JOIN pg_type t ON t.oid = b.tid WHERE t.typtype = 'd'
            )
            SELECT c.attname, c.declared, c.own, t.typname, t.typcategory
            FROM cols c JOIN base b ON b.attnum = c.attnum JOIN pg_type t ON t.oid = b.tid
            WHERE t.typtype <> 'd'
            ORDER BY c.attnum""";
    // the primary key for REPLICA IDENTITY DEFAULT, the chosen index for REPLICA IDENTITY USING INDEX
    private static final String IDENTITY_SQL = """
            SELECT a.attname
            FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
            WHERE i.indrelid = ? AND ((? = 'd' AND i.indisprimary) OR (? = 'i' AND i.indisreplident))""";

    private final String url;
    private final Properties credentials;
    private Connection connection;

    TableCatalog(String url, String user, String password) {
        this.url = url;
        this.credentials = new Properties();
        credentials.setProperty("user", user);
        credentials.setProperty("password", password);
        credentials.setProperty("ApplicationName", "strata-capture catalog");
    }

    public static TableCatalog of(CaptureConfig config) {
        return new TableCatalog(config.jdbcUrl(), config.databaseUser(), config.databasePassword());
    }

    /** Empty when the table does not exist (any more). */
    public Optional<TableShape> describe(String table) {
        int dot = table.indexOf('.');
        String schema = table.substring(0, dot);
        String name = table.substring(dot + 1);
        try {
            return describe(connection(), table, schema, name);
        } catch (SQLException e) {
            closeQuietly();
            throw new IllegalStateException("cannot read the catalog entry of table " + table + " from " + url + ": "
                    + e.getMessage() + " (check that the database is up and the capture role may read pg_catalog)", e);
        }
    }

    private static Optional<TableShape> describe(Connection connection, String table, String schema, String name)
            throws SQLException {
        long oid;
        char replicaIdentity;
        try (PreparedStatement statement = connection.prepareStatement(TABLE_SQL)) {
            statement.setString(1, schema);
            statement.setString(2, name);
            try (ResultSet row = statement.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                oid = row.getLong(1);
                replicaIdentity = row.getString(2).charAt(0);
            }
        }
        Map<String, PgColumnType> columns = new LinkedHashMap<>();
        try (PreparedStatement statement = connection.prepareStatement(COLUMNS_SQL)) {
            statement.setLong(1, oid);
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    columns.put(row.getString(1), new PgColumnType(row.getString(2), row.getString(3), row.getString(4), row.getString(5).charAt(0)));
                }
            }
        }
        List<String> identity = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(IDENTITY_SQL)) {
            statement.setLong(1, oid);
            statement.setString(2, String.valueOf(replicaIdentity));
            statement.setString(3, String.valueOf(replicaIdentity));
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    identity.add(row.getString(1));
                }
            }
        }
        return Optional.of(new TableShape(table, columns, replicaIdentity, identity));
    }

    private Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            connection = DriverManager.getConnection(url, credentials);
            connection.setReadOnly(true);
        }
        return connection;
    }

    private void closeQuietly() {
        try {
            close();
        } catch (SQLException e) {
            // the connection is being replaced after a failure anyway
        }
        connection = null;
    }

    @Override
    public void close() throws SQLException {
        if (connection != null) {
            connection.close();
        }
    }
}

package dev.strata.capture.checkpoint;

import dev.strata.capture.CaptureConfig;
import dev.strata.capture.TenantResolver;
import dev.strata.capture.tables.CapturedTables;
import dev.strata.capture.tables.TableSelection;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.checkpoint.RowChecksum;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Takes one checkpoint (DESIGN.md section 7, Drills): in ONE repeatable-read, read-only transaction,
 * the snapshot ({@code pg_current_snapshot()}) and, per tenant, every captured table's row count and
 * {@link RowChecksum}; then writes it to the WAL as a {@link CheckpointMessage} for the running
 * capture to publish. Plain SELECTs only: no LOCK, no write to the application's tables; one scan
 * per table serves every tenant of it (GROUP BY the tenant column).
 */
public final class CheckpointTaker {
    private static final String SNAPSHOT_SQL =
            "SELECT pg_current_snapshot()::text, (extract(epoch FROM clock_timestamp()) * 1000000)::bigint";
    private static final String HAS_COLUMN_SQL = """
            SELECT count(*) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = ? AND c.relname = ? AND a.attname = ? AND a.attnum > 0 AND NOT a.attisdropped""";
    private static final String EMIT_SQL = "SELECT pg_logical_emit_message(false, '" + CheckpointMessage.PREFIX + "', ?::bytea)";

    private final String url;
    private final Properties credentials;
    private final TableSelection tables;
    private final String signalTable;
    private final TenantResolver tenants;

    CheckpointTaker(String url, String user, String password, TableSelection tables, String signalTable, TenantResolver tenants) {
        this.url = url;
        this.credentials = new Properties();
        credentials.setProperty("user", user);
        credentials.setProperty("password", password);
        credentials.setProperty("ApplicationName", "strata-capture checkpoint");
        this.tables = tables;
        this.signalTable = signalTable;
        this.tenants = tenants;
    }

    public static CheckpointTaker of(CaptureConfig config) {
        return new CheckpointTaker(config.jdbcUrl(), config.databaseUser(), config.databasePassword(), config.tableSelection(),
                config.signalTable(), TenantResolver.of(config));
    }

    /** Counts in one snapshot, then emits the message; returns what it emitted. */
    public CheckpointMessage take() throws SQLException {
        try (Connection connection = DriverManager.getConnection(url, credentials)) {
            CheckpointMessage message = count(connection);
            connection.setReadOnly(false);
            try (PreparedStatement emit = connection.prepareStatement(EMIT_SQL)) {
                emit.setBytes(1, message.encode());
                emit.execute();
            }
            return message;
        }
    }

    private CheckpointMessage count(Connection connection) throws SQLException {
        RowChecksum.fixSession(connection);
        connection.setAutoCommit(false);
        connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        connection.setReadOnly(true);
        try {
            String snapshot;
            long takenAtMicros;
            // the first statement fixes the transaction's snapshot: every count below sees exactly it
            try (Statement s = connection.createStatement(); ResultSet row = s.executeQuery(SNAPSHOT_SQL)) {
                row.next();
                snapshot = row.getString(1);
                takenAtMicros = row.getLong(2);
            }
            Map<String, List<CheckpointMessage.TableCount>> perTenant = new TreeMap<>();
            List<String> tenantColumnTables = new ArrayList<>();
            // the tables matched in this snapshot: a table created since capture started is counted like the others
            for (String table : CapturedTables.matching(connection, tables, signalTable)) {
                countTable(connection, table, perTenant, tenantColumnTables);
            }
            zeroFill(perTenant, tenantColumnTables);
            connection.commit();
            return new CheckpointMessage(snapshot, takenAtMicros, perTenant);
        } finally {
            if (!connection.getAutoCommit()) {
                connection.rollback();
                connection.setAutoCommit(true);
            }
        }
    }

    private void countTable(Connection connection, String table, Map<String, List<CheckpointMessage.TableCount>> perTenant,
            List<String> tenantColumnTables) throws SQLException {
        String schema = table.substring(0, table.indexOf('.'));
        String name = table.substring(table.indexOf('.') + 1);
        if (count(connection, RowChecksum.TABLE_EXISTS_SQL, schema, name) == 0) {
            return; // dropped since configured: nothing to count, capture sees no changes of it either
        }
        boolean hasTenantColumn = count(connection, HAS_COLUMN_SQL, schema, name, tenants.tenantColumn()) > 0;
        String from = RowChecksum.from(schema, name);
        TenantResolver.Source source = tenants.sourceOf(table, hasTenantColumn);
        if (source == TenantResolver.Source.TENANT_COLUMN) {
            tenantColumnTables.add(table);
            String column = RowChecksum.ROW_ALIAS + "." + RowChecksum.quote(tenants.tenantColumn());
            String sql = "SELECT " + column + "::text, " + RowChecksum.AGGREGATE + from + " WHERE " + column + " IS NOT NULL GROUP BY 1";
            try (Statement s = connection.createStatement(); ResultSet rows = s.executeQuery(sql)) {
                while (rows.next()) {
                    // rows with an invalid tenant id are parked by capture, never backed up: not counted
                    if (TenantId.isValid(rows.getString(1))) {
                        add(perTenant, rows.getString(1), new CheckpointMessage.TableCount(table, rows.getLong(2), rows.getString(3)));
                    }
                }
            }
        } else if (source != TenantResolver.Source.NONE
                && tenants.resolve(table, false, null) instanceof TenantResolver.Tenant tenant) {
            try (Statement s = connection.createStatement(); ResultSet row = s.executeQuery("SELECT " + RowChecksum.AGGREGATE + from)) {
                row.next();
                add(perTenant, tenant.id(), new CheckpointMessage.TableCount(table, row.getLong(1), row.getString(2)));
            }
        }
    }

    /** A tenant with no row in a shared-schema table has it empty: a restore that finds rows there must fail. */
    private static void zeroFill(Map<String, List<CheckpointMessage.TableCount>> perTenant, List<String> tenantColumnTables) {
        perTenant.forEach((tenant, counts) -> {
            for (String table : tenantColumnTables) {
                if (counts.stream().noneMatch(c -> c.table().equals(table))) {
                    counts.add(new CheckpointMessage.TableCount(table, 0, RowChecksum.EMPTY));
                }
            }
            counts.sort((a, b) -> a.table().compareTo(b.table()));
        });
    }

    private static void add(Map<String, List<CheckpointMessage.TableCount>> perTenant, String tenant, CheckpointMessage.TableCount count) {
        perTenant.computeIfAbsent(tenant, t -> new ArrayList<>()).add(count);
    }

    private static long count(Connection connection, String sql, String... parameters) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                s.setString(i + 1, parameters[i]);
            }
            try (ResultSet row = s.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }
}

package dev.strata.capture.tables;

import dev.strata.capture.CaptureConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Before the engine starts: which tables the selection matches now, the publication made to cover
 * them (and every table it may match later, {@link PublicationShape}), and an incremental snapshot of
 * each table the configuration ADDED since the last start, so that its existing rows, and the rows
 * written to it while it was not yet captured, are backed up before streaming goes on.
 *
 * <p>"Added" is decided against the entries capture recorded at its last start (in the signal table,
 * {@link SignalTable}): a table the old entries matched was captured from its creation (the
 * publication covered it), one they did not was not. A capture older than the record has its
 * publication's tables as the old entries. On a first start (no stored offset) nothing is added: the
 * initial snapshot reads every table, or {@code snapshot.mode=no_data} asked for no existing rows.
 */
public final class CapturedTables {
    private static final Logger LOG = LoggerFactory.getLogger(CapturedTables.class);
    private static final String TABLES_SQL = """
            SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p') AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'
            ORDER BY 1, 2""";
    private static final String PRIMARY_KEY_SQL = """
            SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = ? AND c.relname = ? AND i.indisprimary""";

    /** @param snapshotted the tables an incremental snapshot was requested for at this start */
    public record Prepared(List<String> matched, List<String> snapshotted, PublicationShape publication) {
    }

    private CapturedTables() {
    }

    /** The tables {@code selection} matches now, schema.table in name order; never the signal table. */
    public static List<String> matching(Connection connection, TableSelection selection, String signalTable) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (PreparedStatement s = connection.prepareStatement(TABLES_SQL); ResultSet rows = s.executeQuery()) {
            while (rows.next()) {
                String table = rows.getString(1) + "." + rows.getString(2);
                if (selection.matches(rows.getString(1), rows.getString(2)) && !table.equals(signalTable)) {
                    tables.add(table);
                }
            }
        }
        return tables;
    }

    public static List<String> matching(CaptureConfig config) {
        try (Connection connection = connect(config)) {
            return matching(connection, config.tableSelection(), config.signalTable());
        } catch (SQLException e) {
            throw unreadable(config, e);
        }
    }

    /**
     * Creates the signal table when missing, aligns the publication, requests the incremental snapshot
     * of added tables and records the entries, in that order: the signal is only written once the
     * publication carries the signal table.
     *
     * @param streamedBefore whether Debezium has a stored offset from streaming (false on a first start)
     */
    public static Prepared prepare(CaptureConfig config, boolean streamedBefore) {
        TableSelection selection = config.tableSelection();
        SignalTable signal = new SignalTable(config.signalTable(), config.name());
        PublicationShape shape = PublicationShape.of(selection, config.signalTable());
        try (Connection connection = connect(config)) {
            signal.ensure(connection);
            PublicationSetup.Before before = PublicationSetup.align(connection, config.publication(), shape);
            if (before.shape().filter(shape::equals).isEmpty()) {
                LOG.info("publication {} now publishes {} (it {})", config.publication(), shape,
                        before.shape().map(s -> "published " + s).orElse("did not exist"));
            }
            List<String> matched = matching(connection, selection, config.signalTable());
            Optional<List<String>> recorded = signal.recorded(connection);
            TableSelection previous = recorded.map(TableSelection::parse)
                    .orElseGet(() -> before.shape().isPresent() ? TableSelection.parse(new ArrayList<>(before.published())) : null);
            List<String> added = !streamedBefore ? List.of()
                    : matched.stream().filter(table -> previous == null || !previous.matches(table)).toList();
            requireKeys(connection, added);
            if (!added.isEmpty() || !recorded.equals(Optional.of(selection.texts()))) {
                signal.requestAndRecord(connection, added, selection.texts());
            }
            if (!added.isEmpty()) {
                LOG.info("capture {}: {} added to {} since the last start ({}): an incremental snapshot of their rows is requested"
                        + " through {} and runs while changes stream", config.name(), added, CaptureConfig.TABLES,
                        previous == null ? "unknown: publication " + config.publication() + " did not exist" : "was " + previous,
                        config.signalTable());
            }
            return new Prepared(matched, added, shape);
        } catch (SQLException e) {
            throw unreadable(config, e);
        }
    }

    /**
     * Debezium's incremental snapshot reads a table in primary-key order, and skips one without a key
     * with a warning only: its rows would be missing from the backup. Refused before anything is recorded.
     */
    private static void requireKeys(Connection connection, List<String> added) throws SQLException {
        List<String> keyless = new ArrayList<>();
        try (PreparedStatement s = connection.prepareStatement(PRIMARY_KEY_SQL)) {
            for (String table : added) {
                s.setString(1, PublicationShape.schemaOf(table));
                s.setString(2, table.substring(table.indexOf('.') + 1));
                try (ResultSet row = s.executeQuery()) {
                    if (!row.next()) {
                        keyless.add(table);
                    }
                }
            }
        }
        if (!keyless.isEmpty()) {
            throw new IllegalStateException("capture cannot start: " + keyless + " added to " + CaptureConfig.TABLES + " since the"
                    + " last start, and without a primary key the incremental snapshot of their existing rows cannot run (Debezium"
                    + " reads a table in key order and would skip it): add a primary key, or leave them out of " + CaptureConfig.TABLES);
        }
    }

    private static Connection connect(CaptureConfig config) throws SQLException {
        Properties credentials = new Properties();
        credentials.setProperty("user", config.databaseUser());
        credentials.setProperty("password", config.databasePassword());
        credentials.setProperty("ApplicationName", "strata-capture tables");
        return DriverManager.getConnection(config.jdbcUrl(), credentials);
    }

    private static IllegalStateException unreadable(CaptureConfig config, SQLException e) {
        return new IllegalStateException("capture " + config.name() + " cannot read the tables of " + config.jdbcUrl() + ": "
                + e.getMessage() + " (check that the database is up and the capture role may read pg_catalog)", e);
    }
}

package dev.strata.capture.tables;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Debezium's signal table ({@code signal.data.collection}), which capture creates when missing and
 * writes two kinds of rows to, both read by Debezium from the WAL in order with the data:
 * {@code execute-snapshot} (an incremental snapshot of tables added to the configuration) and, in the
 * same transaction, a {@code log} row recording the {@code strata.capture.tables} entries capture has
 * captured since (Debezium logs its message; capture reads the newest one at its next start). One
 * transaction: a request is never recorded without being sent, nor sent without being recorded.
 *
 * <p>Rights: CREATE on the table's schema the first time (or a DBA creates it with the columns below
 * and grants capture's role SELECT, INSERT and DELETE: Debezium deletes its snapshot window marks);
 * capture's role owning it also lets it be published by name.
 */
final class SignalTable {
    /** The id of a record row: the capture's name and a fixed-width sequence, so that the newest sorts last. */
    private static final String RECORD_ID = "strata-tables:%s:%019d";
    private static final String RECORD_PREFIX = "strata.capture.tables=";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String table;
    private final String quoted;
    private final String captureName;

    SignalTable(String table, String captureName) {
        this.table = table;
        this.quoted = PublicationShape.quoteTable(table);
        this.captureName = captureName;
    }

    String name() {
        return table;
    }

    /** Creates the table when missing: the three columns Debezium requires, in its order. */
    void ensure(Connection connection) throws SQLException {
        try (Statement sql = connection.createStatement()) {
            sql.execute("CREATE TABLE IF NOT EXISTS " + quoted
                    + " (id varchar(64) PRIMARY KEY, type varchar(32) NOT NULL, data varchar(8192))");
        } catch (SQLException e) {
            throw new IllegalStateException("capture cannot create its signal table " + table + ": " + e.getMessage()
                    + "; grant capture's role CREATE on schema " + PublicationShape.schemaOf(table) + ", or create it as its owner:"
                    + " CREATE TABLE " + quoted + " (id varchar(64) PRIMARY KEY, type varchar(32) NOT NULL, data varchar(8192))"
                    + " and GRANT SELECT, INSERT, DELETE ON " + quoted + " to capture's role", e);
        }
    }

    /** The entries recorded last, or empty when this capture never recorded any (a first start, or an older capture). */
    Optional<List<String>> recorded(Connection connection) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement("SELECT data FROM " + quoted
                + " WHERE type = 'log' AND starts_with(id, ?) ORDER BY id DESC LIMIT 1")) {
            s.setString(1, recordIdPrefix());
            try (ResultSet row = s.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                String message = JSON.readTree(row.getString(1)).path("message").asText();
                String entries = message.substring(message.indexOf(RECORD_PREFIX) + RECORD_PREFIX.length());
                return Optional.of(Arrays.stream(entries.split(",")).filter(e -> !e.isBlank()).toList());
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the newest record row of capture " + captureName + " in " + table + " is not JSON ("
                    + e.getOriginalMessage() + "): delete that row, and capture snapshots every captured table again", e);
        }
    }

    /**
     * In one transaction: an incremental snapshot of {@code tables} (none: no request), and the record
     * that capture now captures {@code entries}.
     */
    void requestAndRecord(Connection connection, List<String> tables, List<String> entries) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + quoted + " (id, type, data) VALUES (?, ?, ?)")) {
            long sequence = nextSequence(connection);
            if (!tables.isEmpty()) {
                insert.setString(1, "strata-snapshot:" + captureName + ":" + sequence);
                insert.setString(2, "execute-snapshot");
                ObjectNode request = JSON.createObjectNode().put("type", "incremental");
                // Debezium matches each as a regular expression over its tables, else takes it as a name: a plain name is both
                tables.forEach(t -> request.withArray("data-collections").add(t));
                insert.setString(3, request.toString());
                insert.addBatch();
            }
            insert.setString(1, String.format(Locale.ROOT, RECORD_ID, captureName, sequence));
            insert.setString(2, "log");
            insert.setString(3, JSON.createObjectNode().put("message", "capture " + captureName + " captures " + RECORD_PREFIX
                    + String.join(",", entries)).toString());
            insert.addBatch();
            insert.executeBatch();
            connection.commit();
        } catch (SQLException e) {
            connection.rollback();
            throw new IllegalStateException("capture cannot write to its signal table " + table + ": " + e.getMessage()
                    + "; grant capture's role SELECT, INSERT and DELETE on it", e);
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    private long nextSequence(Connection connection) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement("SELECT id FROM " + quoted + " WHERE starts_with(id, ?) ORDER BY id DESC LIMIT 1")) {
            s.setString(1, recordIdPrefix());
            try (ResultSet row = s.executeQuery()) {
                return row.next() ? Long.parseLong(row.getString(1).substring(recordIdPrefix().length())) + 1 : 1;
            }
        }
    }

    private String recordIdPrefix() {
        return "strata-tables:" + captureName + ":";
    }
}

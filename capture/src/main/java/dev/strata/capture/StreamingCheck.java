package dev.strata.capture;

import dev.strata.capture.tables.CapturedTables;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;

/**
 * What the database says about capture streaming: its slot is active (a walsender reads it) and its
 * publication covers every table the selection matches now, the signal table included. One JDBC
 * connection per look; a look that fails is a "no" with the reason.
 */
final class StreamingCheck {
    private static final String SLOT_SQL = """
            SELECT active, active_pid FROM pg_replication_slots WHERE slot_name = ? AND database = current_database()""";
    private static final String PUBLISHED_SQL = "SELECT schemaname || '.' || tablename FROM pg_publication_tables WHERE pubname = ?";

    /** @param detail what was found: why not, or what proves it */
    record Verdict(boolean streaming, String detail) {
    }

    private final CaptureConfig config;

    StreamingCheck(CaptureConfig config) {
        this.config = config;
    }

    Verdict look() {
        Properties credentials = new Properties();
        credentials.setProperty("user", config.databaseUser());
        credentials.setProperty("password", config.databasePassword());
        credentials.setProperty("ApplicationName", "strata-capture streaming check");
        try (Connection connection = DriverManager.getConnection(config.jdbcUrl(), credentials)) {
            return look(connection);
        } catch (SQLException e) {
            return new Verdict(false, "the database did not answer whether slot " + config.slot() + " is active: " + e.getMessage());
        }
    }

    private Verdict look(Connection connection) throws SQLException {
        int walsender;
        try (PreparedStatement s = connection.prepareStatement(SLOT_SQL)) {
            s.setString(1, config.slot());
            try (ResultSet row = s.executeQuery()) {
                if (!row.next()) {
                    return new Verdict(false, "slot " + config.slot() + " does not exist in " + config.databaseName());
                }
                if (!row.getBoolean(1)) {
                    return new Verdict(false, "slot " + config.slot() + " is not active: no walsender reads it yet");
                }
                walsender = row.getInt(2);
            }
        }
        Set<String> published = new HashSet<>();
        try (PreparedStatement s = connection.prepareStatement(PUBLISHED_SQL)) {
            s.setString(1, config.publication());
            try (ResultSet rows = s.executeQuery()) {
                while (rows.next()) {
                    published.add(rows.getString(1));
                }
            }
        }
        List<String> tables = CapturedTables.matching(connection, config.tableSelection(), config.signalTable());
        List<String> missing = new ArrayList<>(tables.stream().filter(t -> !published.contains(t)).toList());
        if (!published.contains(config.signalTable())) {
            missing.add(config.signalTable());
        }
        if (!missing.isEmpty()) {
            return new Verdict(false, "publication " + config.publication() + " does not cover " + missing);
        }
        return new Verdict(true, "slot " + config.slot() + " is active (walsender pid " + walsender + ") and publication "
                + config.publication() + " covers all " + tables.size() + " tables " + CaptureConfig.TABLES + " matches now");
    }
}

package dev.strata.capture.ddl;

import dev.strata.capture.CaptureConfig;
import dev.strata.capture.tables.CapturedTables;
import dev.strata.schemas.ddl.TableDefinition;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The source side of schema history ({@value CaptureConfig#DDL_HISTORY}): the event trigger that
 * sends each table's definition through the WAL after every DDL ({@value #SCRIPT}), and the
 * definitions of the captured tables written once when capture streams, so a restore has a
 * definition from capture's first point on.
 *
 * <p>Rights: CREATE EVENT TRIGGER needs a superuser (PostgreSQL 17). A superuser capture role
 * installs (and upgrades) the trigger at every start; any other role needs it installed already
 * (a superuser runs the script once), and capture refuses to start without it unless history is
 * turned off.
 */
public final class DdlHistory {
    public static final String SCRIPT = "/dev/strata/capture/ddl/ddl-history.sql";
    public static final String TRIGGER = "strata_capture_ddl";
    private static final Logger LOG = LoggerFactory.getLogger(DdlHistory.class);
    private static final String EMIT = "SELECT pg_logical_emit_message(true, '" + DdlMessage.PREFIX + "',"
            + " strata_capture.table_definition(to_regclass(quote_ident(?) || '.' || quote_ident(?)), ?)::text)";

    private DdlHistory() {
    }

    /**
     * Installs the trigger (superuser) or checks that it is there.
     *
     * @throws IllegalStateException naming the fix, when history is on and the trigger can be neither found nor installed
     */
    public static void prepare(CaptureConfig config) throws SQLException {
        if (!config.ddlHistory()) {
            LOG.warn("{}=off: DDL is not captured; every restore of this source says that its tables were created from the"
                    + " captured columns only and that columns are matched by name", CaptureConfig.DDL_HISTORY);
            return;
        }
        try (Connection c = connect(config); Statement s = c.createStatement()) {
            if (superuser(c)) {
                s.execute(script());
                return;
            }
            if (!triggerEnabled(c)) {
                throw new IllegalStateException("capture cannot start: " + CaptureConfig.DDL_HISTORY + "=on needs the event trigger "
                        + TRIGGER + " in database " + config.databaseName() + ", and role " + config.databaseUser()
                        + " cannot create it (CREATE EVENT TRIGGER needs a superuser): have a superuser run the script "
                        + SCRIPT + " (in the capture jar) in that database once, or set " + CaptureConfig.DDL_HISTORY
                        + "=off to run without schema history (restores then create tables from the captured columns only)");
            }
        }
    }

    /**
     * Writes the definition of every captured table into the WAL, one transactional message each.
     * Each is read and written under the table's ACCESS SHARE lock, in a transaction of its own: a
     * concurrent ALTER either commits before the lock is granted (and the definition read after it
     * sees it) or waits for this transaction, so the definitions come out of the WAL in the order
     * of the catalog states they describe.
     */
    public static void writeDefinitions(CaptureConfig config) throws SQLException {
        if (!config.ddlHistory()) {
            return;
        }
        try (Connection c = connect(config); PreparedStatement emit = c.prepareStatement(EMIT); Statement lock = c.createStatement()) {
            c.setAutoCommit(false);
            for (String table : CapturedTables.matching(config)) {
                int dot = table.indexOf('.');
                String schema = table.substring(0, dot);
                String name = table.substring(dot + 1);
                lock.execute("LOCK TABLE " + quote(schema) + "." + quote(name) + " IN ACCESS SHARE MODE");
                emit.setString(1, schema);
                emit.setString(2, name);
                emit.setString(3, TableDefinition.STARTUP);
                emit.execute();
                c.commit();
            }
        }
    }

    private static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    private static boolean superuser(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    private static boolean triggerEnabled(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT evtenabled <> 'D' FROM pg_event_trigger WHERE evtname = ?")) {
            s.setString(1, TRIGGER);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /** The script that installs the trigger: what a superuser runs once in the source database when capture's role is not one. */
    public static String script() {
        try (InputStream in = DdlHistory.class.getResourceAsStream(SCRIPT)) {
            if (in == null) {
                throw new IllegalStateException(SCRIPT + " is missing from the capture jar: rebuild it");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + SCRIPT + ": " + e.getMessage(), e);
        }
    }

    private static Connection connect(CaptureConfig config) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", config.databaseUser());
        p.setProperty("password", config.databasePassword());
        p.setProperty("ApplicationName", "strata-capture ddl history");
        return DriverManager.getConnection(config.jdbcUrl(), p);
    }
}

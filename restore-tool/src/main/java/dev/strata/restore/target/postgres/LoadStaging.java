package dev.strata.restore.target.postgres;

import dev.strata.restore.target.TableTarget;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The schema a restore that loads over several sessions puts the tables it creates in until its own transaction moves
 * them into place: {@code strata_load_<id>}, created and committed first so that every session can COPY into it. The
 * tables appear where they belong only at the restore's commit (ALTER TABLE ... SET SCHEMA, which takes their owned
 * sequences along), all at once or not at all, as in a restore on one session. A restore that fails drops its staging
 * schema; one that dies leaves it, and the next restore into the database by the same user drops it. Every session of
 * a live restore holds a shared transaction-level advisory lock on the schema's name (transaction-level: a pooler that
 * hands each transaction another server session keeps it where the transaction runs), so a schema is dead when an
 * exclusive one is granted.
 */
final class LoadStaging {
    static final String PREFIX = "strata_load_";
    private static final SecureRandom IDS = new SecureRandom();
    private static final String DEAD_LOCK_TIMEOUT = "2s";
    private static final Pattern NAME = Pattern.compile(Pattern.quote(PREFIX) + "[0-9a-f]{12}");

    private final String schema;
    /** By the staged table: the table where it belongs. */
    private final Map<TableTarget, TableTarget> destinations = new LinkedHashMap<>();
    private SchemaRename rename;

    private LoadStaging(String schema) {
        this.schema = schema;
    }

    /**
     * On {@code main}'s session in autocommit: drops the staging schemas of this user's restores into the database that
     * died (one that is locked or busy is left for a later restore), and names a new one.
     */
    static LoadStaging afterReaping(Connection main) throws SQLException {
        List<String> found = new ArrayList<>();
        try (PreparedStatement s = main.prepareStatement("SELECT nspname FROM pg_namespace WHERE starts_with(nspname, ?)"
                + " AND nspowner = (SELECT oid FROM pg_roles WHERE rolname = current_user)")) {
            s.setString(1, PREFIX);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    if (NAME.matcher(r.getString(1)).matches()) { // a schema of the user's own that only looks like one stays
                        found.add(r.getString(1));
                    }
                }
            }
        }
        for (String dead : found) {
            dropIfDead(main, dead);
        }
        byte[] random = new byte[6];
        IDS.nextBytes(random);
        return new LoadStaging(PREFIX + HexFormat.of().formatHex(random));
    }

    String schema() {
        return schema;
    }

    /**
     * In {@code session}'s open transaction: the shared lock that tells this restore's staging schema from a dead one, and
     * no idle-in-transaction timeout (the session waits, idle, while others load or the backup is read).
     */
    void hold(Connection session) throws SQLException {
        try (PreparedStatement s = session.prepareStatement("SELECT pg_advisory_xact_lock_shared(hashtextextended(?, 0)),"
                + " set_config('idle_in_transaction_session_timeout', '0', true)")) {
            s.setString(1, schema);
            s.executeQuery().close();
        }
    }

    /** Stages {@code tables}, all of one schema: the staged tables, in the same order. */
    List<TableTarget> stage(List<TableTarget> tables, SchemaRename rename) {
        this.rename = rename;
        List<TableTarget> staged = tables.stream().map(rename::rename).toList();
        for (int i = 0; i < tables.size(); i++) {
            destinations.put(staged.get(i), tables.get(i));
        }
        return staged;
    }

    /**
     * Creates the staging schema and the staged tables on {@code session} and commits; a failure, or a name the move
     * would find taken where they belong, commits nothing.
     */
    void create(Connection session, Function<TableTarget, List<String>> ddl) throws SQLException {
        session.setAutoCommit(false);
        try (Statement s = session.createStatement()) {
            s.execute("CREATE SCHEMA " + PgDdl.quote(schema));
            rename.searchFirst(session); // a name the definition leaves unqualified resolves to the staging schema first
            for (TableTarget staged : destinations.keySet()) {
                for (String sql : ddl.apply(staged)) {
                    s.execute(sql);
                }
            }
            refuseTakenNames(session);
            session.commit();
        } catch (SQLException | RuntimeException e) {
            try {
                session.rollback();
            } catch (SQLException rollback) {
                e.addSuppressed(rollback);
            }
            throw e;
        }
    }

    /** Refuses a relation of the staging schema (a table, its sequences) whose name a relation or type where it belongs holds. */
    private void refuseTakenNames(Connection session) throws SQLException {
        String destination = destinations.values().iterator().next().shape().schemaName();
        try (PreparedStatement s = session.prepareStatement("SELECT a.relname FROM pg_class a WHERE a.relnamespace = ?::regnamespace"
                + " AND (EXISTS (SELECT 1 FROM pg_class b JOIN pg_namespace bn ON bn.oid = b.relnamespace WHERE bn.nspname = ?"
                + " AND b.relname = a.relname) OR EXISTS (SELECT 1 FROM pg_type t JOIN pg_namespace tn ON tn.oid = t.typnamespace"
                + " WHERE tn.nspname = ? AND t.typname = a.relname)) LIMIT 1")) {
            s.setString(1, PgDdl.quote(schema));
            s.setString(2, destination);
            s.setString(3, destination);
            try (ResultSet r = s.executeQuery()) {
                if (r.next()) {
                    throw new SQLException("schema " + destination + " already holds a relation or type named " + r.getString(1));
                }
            }
        }
    }

    /** In the restore's transaction: every staged table into its own schema, then the emptied staging schema dropped. */
    void moveIntoPlace(Connection main) throws SQLException {
        try (Statement s = main.createStatement()) {
            for (Map.Entry<TableTarget, TableTarget> staged : destinations.entrySet()) {
                s.execute(PgDdl.createSchema(staged.getValue().shape()));
                s.execute("ALTER TABLE " + PgDdl.qualified(staged.getKey().shape()) + " SET SCHEMA "
                        + PgDdl.quote(staged.getValue().shape().schemaName()));
            }
            s.execute("DROP SCHEMA " + PgDdl.quote(schema) + " RESTRICT");
        }
    }

    /** After a failed restore, on a session in autocommit: the staging schema dropped. */
    void drop(Connection session) throws SQLException {
        try (Statement s = session.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + PgDdl.quote(schema) + " CASCADE");
        }
    }

    private static void dropIfDead(Connection main, String dead) throws SQLException {
        main.setAutoCommit(false);
        try (Statement s = main.createStatement(); PreparedStatement lock = main.prepareStatement(
                "SELECT pg_try_advisory_xact_lock(hashtextextended(?, 0))")) {
            s.execute("SET LOCAL lock_timeout = '" + DEAD_LOCK_TIMEOUT + "'");
            lock.setString(1, dead);
            try (ResultSet r = lock.executeQuery()) {
                if (r.next() && r.getBoolean(1)) {
                    s.execute("DROP SCHEMA IF EXISTS " + PgDdl.quote(dead) + " CASCADE");
                }
            }
            main.commit();
        } catch (SQLException e) {
            main.rollback(); // busy (a lock timeout) or gone meanwhile: a later restore tries again
        } finally {
            main.setAutoCommit(true);
        }
    }
}

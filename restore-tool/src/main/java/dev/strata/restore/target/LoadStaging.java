package dev.strata.restore.target;

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
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a restore that loads over several sessions puts the tables it creates until its own transaction moves them into
 * place: one schema {@code strata_load_<id>_<n>} per schema of the restored tables, created and committed first so every
 * session can COPY into it. The tables appear where they belong only at the restore's commit (ALTER TABLE ... SET SCHEMA,
 * which takes their owned sequences, indexes and constraints along), all at once or not at all, as in a restore on one
 * session. A restore that fails drops its staging schemas; one that dies leaves them, and the next restore into the
 * database drops them: a live restore holds a session advisory lock on its id, a dead one's lock is gone.
 */
final class LoadStaging {
    static final String PREFIX = "strata_load_";
    private static final Pattern STAGING = Pattern.compile(Pattern.quote(PREFIX) + "([0-9a-f]{12})_[0-9]+");
    private static final SecureRandom IDS = new SecureRandom();

    private final String id;
    /** By the staged table: the table where it belongs. */
    private final Map<TableTarget, TableTarget> destinations = new LinkedHashMap<>();
    private final Map<String, String> stagingBySchema = new TreeMap<>();

    private LoadStaging(String id) {
        this.id = id;
    }

    /**
     * Drops the staging schemas of restores into this database that died, then takes a new id's lock on {@code main}'s
     * session (in autocommit: the drops are committed at once).
     */
    static LoadStaging lock(Connection main) throws SQLException {
        reapDead(main);
        byte[] random = new byte[6];
        IDS.nextBytes(random);
        LoadStaging staging = new LoadStaging(HexFormat.of().formatHex(random));
        try (PreparedStatement s = main.prepareStatement("SELECT pg_advisory_lock(hashtextextended(?, 0))")) {
            s.setString(1, PREFIX + staging.id);
            s.executeQuery().close();
        }
        return staging;
    }

    /** Stages {@code tables} (each to be created, none existing): the staged tables, in the same order. */
    List<TableTarget> stage(List<TableTarget> tables) {
        Map<String, List<TableTarget>> bySchema = new LinkedHashMap<>();
        tables.forEach(t -> bySchema.computeIfAbsent(t.shape().schemaName(), s -> new ArrayList<>()).add(t));
        Map<TableTarget, TableTarget> staged = new LinkedHashMap<>();
        bySchema.forEach((schema, inSchema) -> {
            String name = PREFIX + id + "_" + stagingBySchema.size();
            stagingBySchema.put(schema, name);
            SchemaRename rename = SchemaRename.to(name, inSchema);
            inSchema.forEach(t -> staged.put(t, rename.rename(t)));
        });
        staged.forEach((destination, table) -> destinations.put(table, destination));
        return tables.stream().map(staged::get).toList();
    }

    /** Creates the staging schemas and the staged tables on {@code session}, and commits them. */
    void create(Connection session, Function<TableTarget, List<String>> ddl) throws SQLException {
        session.setAutoCommit(false);
        try (Statement s = session.createStatement()) {
            String searchPath;
            try (ResultSet r = s.executeQuery("SELECT current_setting('search_path')")) {
                r.next();
                searchPath = r.getString(1);
            }
            for (String schema : stagingBySchema.values()) {
                s.execute("CREATE SCHEMA " + PgDdl.quote(schema));
            }
            for (TableTarget table : destinations.keySet()) {
                // a name the definition leaves unqualified resolves to the staging schema first, as a restored table's own
                // sequence does (SchemaRename)
                try (PreparedStatement path = session.prepareStatement("SELECT set_config('search_path', quote_ident(?) || ', ' || ?, true)")) {
                    path.setString(1, table.shape().schemaName());
                    path.setString(2, searchPath);
                    path.executeQuery().close();
                }
                for (String sql : ddl.apply(table)) {
                    s.execute(sql);
                }
            }
            session.commit();
        } catch (SQLException | RuntimeException e) {
            session.rollback();
            throw e;
        }
    }

    /** In the restore's transaction: every staged table into its own schema, then the emptied staging schemas dropped. */
    void moveIntoPlace(Connection main) throws SQLException {
        try (Statement s = main.createStatement()) {
            for (Map.Entry<TableTarget, TableTarget> staged : destinations.entrySet()) {
                s.execute(PgDdl.createSchema(staged.getValue().shape()));
                s.execute("ALTER TABLE " + PgDdl.qualified(staged.getKey().shape()) + " SET SCHEMA "
                        + PgDdl.quote(staged.getValue().shape().schemaName()));
            }
            for (String schema : stagingBySchema.values()) {
                s.execute("DROP SCHEMA " + PgDdl.quote(schema) + " RESTRICT");
            }
        }
    }

    /** After a failed restore, in autocommit: its staging schemas dropped, or left for the next restore to drop. */
    void drop(Connection main) {
        try (Statement s = main.createStatement()) {
            for (String schema : stagingBySchema.values()) {
                s.execute("DROP SCHEMA IF EXISTS " + PgDdl.quote(schema) + " CASCADE");
            }
        } catch (SQLException e) {
            // the lock ends with the session: the next restore into this database drops them
        }
    }

    private static void reapDead(Connection main) throws SQLException {
        Map<String, List<String>> byId = new TreeMap<>();
        try (PreparedStatement s = main.prepareStatement("SELECT nspname FROM pg_namespace WHERE starts_with(nspname, ?)")) {
            s.setString(1, PREFIX);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    Matcher m = STAGING.matcher(r.getString(1));
                    if (m.matches()) {
                        byId.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(r.getString(1));
                    }
                }
            }
        }
        for (Map.Entry<String, List<String>> dead : byId.entrySet()) {
            if (tryLock(main, PREFIX + dead.getKey())) {
                try (Statement s = main.createStatement()) {
                    for (String schema : dead.getValue()) {
                        s.execute("DROP SCHEMA IF EXISTS " + PgDdl.quote(schema) + " CASCADE");
                    }
                } finally {
                    try (PreparedStatement s = main.prepareStatement("SELECT pg_advisory_unlock(hashtextextended(?, 0))")) {
                        s.setString(1, PREFIX + dead.getKey());
                        s.executeQuery().close();
                    }
                }
            }
        }
    }

    private static boolean tryLock(Connection main, String key) throws SQLException {
        try (PreparedStatement s = main.prepareStatement("SELECT pg_try_advisory_lock(hashtextextended(?, 0))")) {
            s.setString(1, key);
            try (ResultSet r = s.executeQuery()) {
                return r.next() && r.getBoolean(1);
            }
        }
    }
}

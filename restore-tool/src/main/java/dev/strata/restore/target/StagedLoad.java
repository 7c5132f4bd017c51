package dev.strata.restore.target;

import dev.strata.restore.target.copy.CopyLanes;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The tables a restore creates, loaded over several sessions of their own ({@link CopyLanes}) into staging schemas
 * ({@link LoadStaging}), and moved into place in the restore's transaction at its commit.
 */
final class StagedLoad {
    private final LoadStaging staging;
    private final int sessions;
    /** By the table where it belongs: the table its rows are loaded into meanwhile. */
    private final Map<TableTarget, TableTarget> staged = new IdentityHashMap<>();
    private CopyLanes lanes;

    private StagedLoad(LoadStaging staging, int sessions) {
        this.staging = staging;
        this.sessions = sessions;
    }

    /** On {@code main}'s session before its transaction begins: see {@link LoadStaging#lock}. */
    static StagedLoad lock(Connection main, int sessions) throws SQLException {
        return new StagedLoad(LoadStaging.lock(main), sessions);
    }

    /**
     * Creates {@code tables} in staging schemas and opens the load's sessions. It needs no right a restore on one session
     * does not: creating a table there runs CREATE SCHEMA IF NOT EXISTS, which needs CREATE on the database too.
     */
    void create(List<TableTarget> tables, PgConnectionSpec spec, Function<TableTarget, List<String>> ddl) throws SQLException {
        List<TableTarget> stagedTables = staging.stage(tables);
        List<Connection> opened = new ArrayList<>();
        try {
            while (opened.size() < sessions) {
                opened.add(DriverManager.getConnection(spec.jdbcUrl(), spec.properties()));
            }
            staging.create(opened.get(0), ddl);
            lanes = new CopyLanes(opened);
        } catch (SQLException | RuntimeException e) {
            opened.forEach(StagedLoad::closeQuietly);
            throw e;
        }
        for (int i = 0; i < tables.size(); i++) {
            staged.put(tables.get(i), stagedTables.get(i));
        }
    }

    /** Where {@code table}'s rows are loaded meanwhile, or null when it is not staged. */
    TableTarget staged(TableTarget table) {
        return staged.get(table);
    }

    /** The table where the staged table {@code schema.table} belongs, as an error names it; else the name unchanged. */
    String destination(String schema, String table) {
        for (Map.Entry<TableTarget, TableTarget> e : staged.entrySet()) {
            if (e.getValue().shape().schemaName().equals(schema) && e.getValue().shape().tableName().equals(table)) {
                return e.getKey().name();
            }
        }
        return schema + "." + table;
    }

    TableLoad open(TableTarget table) throws SQLException {
        return TableLoad.open(lanes, staged.get(table), true);
    }

    /** Commits the load's sessions, then moves the staged tables into place in {@code main}'s transaction. */
    void commit(Connection main) throws SQLException {
        if (lanes != null) {
            lanes.commit();
            lanes.close();
            lanes = null;
            staging.moveIntoPlace(main);
        }
    }

    /** After {@code main}'s transaction was rolled back: the staging schemas dropped (in autocommit). */
    void abort(Connection main) throws SQLException {
        close();
        main.setAutoCommit(true);
        staging.drop(main);
    }

    void close() {
        if (lanes != null) {
            lanes.close();
            lanes = null;
        }
    }

    private static void closeQuietly(Connection session) {
        try {
            session.close();
        } catch (SQLException e) {
            // a session that loaded nothing: nothing to roll back
        }
    }
}

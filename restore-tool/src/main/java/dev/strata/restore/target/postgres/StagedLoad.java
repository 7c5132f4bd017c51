package dev.strata.restore.target.postgres;

import dev.strata.restore.BadInputException;
import dev.strata.restore.ExitCodes;
import dev.strata.restore.UnavailableException;
import dev.strata.restore.target.TableTarget;
import dev.strata.restore.target.postgres.copy.CopyLanes;
import dev.strata.schemas.ddl.DefinedColumn;
import dev.strata.schemas.ddl.TableDefinition;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The tables a restore creates, loaded over several sessions of their own ({@link CopyLanes}) into a staging schema
 * ({@link LoadStaging}) and moved into place by the restore's transaction at its commit.
 */
final class StagedLoad {
    private static final Pattern REGCLASS_LITERAL = Pattern.compile("'(?:[^']|'')*'::regclass");

    private final LoadStaging staging;
    private final int sessions;
    private final SchemaRename rename;
    /** By the table where it belongs: the table its rows are loaded into meanwhile. */
    private final Map<TableTarget, TableTarget> staged = new IdentityHashMap<>();
    private CopyLanes lanes;

    private StagedLoad(LoadStaging staging, int sessions, SchemaRename rename) {
        this.staging = staging;
        this.sessions = sessions;
        this.rename = rename;
    }

    /**
     * The load of {@code tables} over {@code sessions}, when they allow it; else empty, and they all load on the
     * restore's own session as before. They must be of one schema, and so must their owned sequences, none of whose names
     * is taken there (a one-session restore reuses such a sequence; the move would collide). A column default may name
     * one of them qualified only as a regclass literal, bound when the table is created: any other mention would keep the
     * staging schema's name after the move.
     */
    static Optional<StagedLoad> of(LoadStaging staging, int sessions, List<TableTarget> tables, Connection main) throws SQLException {
        if (tables.isEmpty() || tables.stream().map(t -> t.shape().schemaName()).distinct().count() > 1) {
            return Optional.empty();
        }
        SchemaRename rename = SchemaRename.to(staging.schema(), tables);
        for (TableTarget table : tables) {
            if (table.definition().isPresent() && !movable(table, rename, staging.schema(), main)) {
                return Optional.empty();
            }
        }
        return Optional.of(new StagedLoad(staging, sessions, rename));
    }

    private static boolean movable(TableTarget table, SchemaRename rename, String schema, Connection main) throws SQLException {
        TableDefinition definition = table.definition().orElseThrow();
        for (DefinedColumn column : definition.liveColumns()) {
            String rewritten = rename.rewrite(column.defaultExpression());
            if (rewritten != null && REGCLASS_LITERAL.matcher(rewritten).replaceAll("").contains(schema)) {
                return false;
            }
        }
        try (PreparedStatement s = main.prepareStatement("SELECT to_regclass(?) IS NULL AND cardinality(parse_ident(?)) = 2"
                + " AND (parse_ident(?))[1] = ?")) {
            for (TableDefinition.OwnedSequence sequence : definition.sequences()) {
                for (int i = 1; i <= 3; i++) {
                    s.setString(i, sequence.sequence());
                }
                s.setString(4, table.shape().schemaName());
                try (ResultSet r = s.executeQuery()) {
                    if (!r.next() || !r.getBoolean(1)) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    /**
     * Creates the tables in the staging schema and opens the load's sessions; {@code main}'s transaction holds the
     * staging schema's lock from here.
     */
    void create(List<TableTarget> tables, Connection main, PgConnectionSpec spec, Function<TableTarget, List<String>> ddl)
            throws SQLException {
        staging.hold(main);
        List<TableTarget> stagedTables = staging.stage(tables, rename);
        List<Connection> opened = new ArrayList<>();
        try {
            open(opened, spec);
            Connection first = opened.get(0);
            staging.create(first, ddl);
            for (Connection session : opened) {
                session.setAutoCommit(false);
                staging.hold(session);
            }
            lanes = new CopyLanes(opened);
        } catch (SQLException | RuntimeException e) {
            opened.forEach(StagedLoad::closeQuietly);
            throw e;
        }
        for (int i = 0; i < tables.size(); i++) {
            staged.put(tables.get(i), stagedTables.get(i));
        }
    }

    private void open(List<Connection> opened, PgConnectionSpec spec) {
        try {
            while (opened.size() < sessions) {
                opened.add(DriverManager.getConnection(spec.jdbcUrl(), spec.properties()));
            }
        } catch (SQLException e) {
            String why = "cannot open the " + sessions + " sessions a restore loads over, besides its own, to " + spec.describe() + ": "
                    + e.getMessage();
            if (ExitCodes.unavailable(e)) {
                throw new UnavailableException(why + " (check that the server is up and reachable, then retry; or load on the"
                        + " restore's own session: strata.restore.load.sessions=1)", e);
            }
            throw new BadInputException(why + " (raise the server's or the user's connection limit, or load on the restore's own"
                    + " session: strata.restore.load.sessions=1)");
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

    /** The COPY of {@code table}'s rows into its staged table; its errors name {@code table}. */
    TableLoad open(TableTarget table) throws SQLException {
        return TableLoad.open(lanes, table, true, staged.get(table).shape());
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

    /**
     * After {@code main}'s transaction ended without a commit: the staging schema dropped, over a new session if
     * {@code main} is lost; if that fails too, the next restore into the database drops it.
     */
    void abort(Connection main, PgConnectionSpec spec) {
        close();
        try {
            main.setAutoCommit(true);
            staging.drop(main);
        } catch (SQLException lost) {
            try (Connection again = DriverManager.getConnection(spec.jdbcUrl(), spec.properties())) {
                staging.drop(again);
            } catch (SQLException e) {
                // left for the next restore: its lock ended with the sessions
            }
        }
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

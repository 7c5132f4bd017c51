package dev.strata.restore.target.postgres;

import dev.strata.restore.BadInputException;
import dev.strata.restore.ExitCodes;
import dev.strata.restore.ToolConfig;
import dev.strata.restore.UnavailableException;
import dev.strata.restore.target.FoldedRow;
import dev.strata.restore.target.ReplayTarget;
import dev.strata.restore.target.RestoreScope;
import dev.strata.restore.target.TableTarget;
import dev.strata.schemas.fold.RowDecoder;
import dev.strata.schemas.fold.TableShape;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Restores into Postgres, all or nothing: the tables are created from the captured column types
 * (or existing tables are used, if empty), loaded with COPY, given their primary keys after the load,
 * and committed together in ONE transaction; a failure leaves the database as it was. The tables
 * created here are loaded over several sessions at once ({@link StagedLoad}: committed into staging
 * schemas nobody else reads, moved into place by that transaction), unless told to use one. A table
 * created here whose columns all have a plain binary form is loaded with binary COPY; any other with
 * text COPY, each value through its type's input function.
 *
 * <p>A table that already holds rows is refused unless forced. Forced, only the tenant's rows are
 * replaced: in a shared-schema table (one with the tenant column) its rows are deleted, in the
 * tenant's own table (schema per tenant) everything is; other tenants' rows are never touched.
 *
 * <p>Selective ({@link Selective}): with a schema, every table goes into that new schema of the
 * database ({@link SchemaRename}); with a predicate, it is checked against each table before any
 * row is loaded, and the loaded rows it does not hold are deleted before the keys are built (the
 * server evaluates it, as it would in the operator's own query). The foreign keys are then added
 * NOT VALID: a filtered restore may keep a child whose parent the predicate left out, and
 * {@code ALTER TABLE ... VALIDATE CONSTRAINT} tells later.
 */
public final class PostgresTarget implements ReplayTarget {
    private static final String NOT_NULL_VIOLATION = "23502";
    private final PgConnectionSpec spec;
    private final String tenantColumn;
    private final List<TableTarget> created = new ArrayList<>();
    private final Set<String> restoredTables = new HashSet<>();
    private Connection connection;
    private CopyManager copies;
    private TableLoad run;
    private TableTarget runTable;
    private final int loadSessions;
    private LoadStaging staging;
    private StagedLoad staged;
    private final Set<String> createdNames = new HashSet<>();
    private final Selective selective;
    private final Map<TableTarget, TableTarget> renamed = new IdentityHashMap<>();
    private final Map<String, Long> loaded = new HashMap<>();
    private final Map<String, Long> kept = new HashMap<>();
    private String tenant;

    /**
     * @param schema restore every table into this new schema (empty: each into its own source schema)
     * @param where keep only the restored rows this predicate holds for
     */
    public record Selective(Optional<String> schema, Optional<RowPredicate> where) {
        public static final Selective NONE = new Selective(Optional.empty(), Optional.empty());
    }

    public PostgresTarget(PgConnectionSpec spec, String tenantColumn) {
        this(spec, tenantColumn, Selective.NONE);
    }

    public PostgresTarget(PgConnectionSpec spec, String tenantColumn, Selective selective) {
        this(spec, tenantColumn, selective, ToolConfig.LOAD_SESSIONS_DEFAULT);
    }

    /**
     * @param loadSessions over how many sessions the tables created here are loaded: more than one stages them
     *     ({@link StagedLoad}); one loads everything in the restore's own transaction
     */
    public PostgresTarget(PgConnectionSpec spec, String tenantColumn, Selective selective, int loadSessions) {
        this.spec = spec;
        this.tenantColumn = tenantColumn;
        this.selective = selective;
        this.loadSessions = loadSessions;
    }

    @Override
    public String describe() {
        return "postgres " + spec.describe() + selective.schema().map(name -> ", schema " + name).orElse("");
    }

    @Override
    public boolean createsTablesFromDefinitions() {
        return true;
    }

    @Override
    public void begin(RestoreScope scope) {
        try {
            connection = DriverManager.getConnection(spec.jdbcUrl(), spec.properties());
            if (loadSessions > 1) {
                staging = LoadStaging.afterReaping(connection);
            }
            connection.setAutoCommit(false);
            try (Statement s = connection.createStatement()) {
                // the transaction must see what the load's own sessions commit, whatever the default: for this transaction
                // only, as its first statement (a pooler may run the next one on another server session)
                s.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED");
            }
            copies = connection.unwrap(PGConnection.class).getCopyAPI();
            tenant = scope.tenant().value();
            Optional<SchemaRename> rename = selective.schema().map(name -> SchemaRename.to(name, scope.tables()));
            if (rename.isPresent()) {
                rename.get().requireEmpty(connection, spec.describe());
                rename.get().searchFirst(connection);
            }
            List<TableTarget> toCreate = new ArrayList<>();
            for (TableTarget source : scope.tables()) {
                TableTarget table = rename.map(r -> r.rename(source)).orElse(source);
                renamed.put(source, table);
                restoredTables.add(table.name());
                if (prepare(table, scope)) {
                    toCreate.add(table);
                }
            }
            create(toCreate);
            for (TableTarget source : scope.tables()) {
                TableTarget table = renamed.get(source);
                selective.where().ifPresent(w -> w.check(connection, PgDdl.qualified(table.shape()), source.name()));
            }
        } catch (SQLException e) {
            abort();
            if (ExitCodes.unavailable(e)) {
                throw new UnavailableException("cannot connect to the target " + spec.describe() + " for tenant " + scope.tenant()
                        + ": " + e.getMessage() + " (check that the server is up and reachable at that address, then retry)", e);
            }
            throw new BadInputException("cannot prepare the target " + spec.describe() + " for tenant " + scope.tenant() + ": "
                    + e.getMessage() + " (check the URL, the user's rights, and that the database exists)");
        }
    }

    /** @return true when the table is to be created ({@link #create}); else it is ready for the load */
    private boolean prepare(TableTarget table, RestoreScope scope) throws SQLException {
        TableShape shape = table.shape();
        Set<String> existing = TargetCatalog.columns(connection, shape);
        if (existing.isEmpty()) {
            created.add(table);
            createdNames.add(shape.table());
            return true;
        }
        for (String column : shape.columns()) {
            if (!existing.contains(column)) {
                throw new BadInputException("cannot restore tenant " + scope.tenant() + ": target table " + shape.table()
                        + " has no column " + column + " (add it, or restore into a fresh database)");
            }
        }
        if (!TargetCatalog.hasRows(connection, shape)) {
            return false;
        }
        if (!scope.force()) {
            throw new BadInputException("cannot restore tenant " + scope.tenant() + ": target table " + shape.table()
                    + " is not empty (use --force to replace the tenant's rows, or a fresh database)");
        }
        try (PreparedStatement clear = existing.contains(tenantColumn)
                ? connection.prepareStatement("DELETE FROM " + PgDdl.qualified(shape) + " WHERE " + PgDdl.quote(tenantColumn) + " = ?")
                : connection.prepareStatement("TRUNCATE " + PgDdl.qualified(shape))) {
            if (existing.contains(tenantColumn)) {
                clear.setString(1, scope.tenant().value());
            }
            clear.execute();
        }
        return false;
    }

    /** Creates {@code tables}: in a staging schema when the load has sessions of its own, else in the restore's transaction. */
    private void create(List<TableTarget> tables) throws SQLException {
        tables.forEach(this::ddl); // a table the restore cannot create is refused by its own name, before anything is staged
        // --where is planned against every restored table before any row loads, and may name others in a subquery: a
        // filtered restore, a few rows as a rule, loads on one session where all of them are
        boolean stageable = staging != null && selective.where().isEmpty();
        staged = stageable ? StagedLoad.of(staging, loadSessions, tables, connection).orElse(null) : null;
        if (staged != null) {
            try {
                staged.create(tables, connection, spec, this::ddl);
            } catch (SQLException e) {
                throw creationRefused("the restored tables " + tables.stream().map(TableTarget::name).toList(), e);
            }
            return;
        }
        for (TableTarget table : tables) {
            try (Statement s = connection.createStatement()) {
                for (String sql : ddl(table)) {
                    s.execute(sql);
                }
            } catch (SQLException e) {
                throw creationRefused("table " + table.shape().table(), e);
            }
        }
    }

    /** The operator's to fix, unless the server went away: then {@code e} itself, which {@link #begin} reports as that. */
    private BadInputException creationRefused(String what, SQLException e) throws SQLException {
        if (ExitCodes.unavailable(e)) {
            throw e;
        }
        return new BadInputException("cannot create " + what + " in " + spec.describe() + ": " + e.getMessage() + " (create the"
                + " tables yourself, e.g. from pg_dump --schema-only of the source, and restore into them while empty)");
    }

    private List<String> ddl(TableTarget table) {
        return RestoredTableDdl.beforeLoad(table, selective.where().isPresent());
    }

    /** The text columns of a table loaded by binary COPY ({@link TableLoad#open} decides the same way). */
    @Override
    public boolean[] utf8TextColumns(TableTarget source) {
        TableTarget table = renamed.get(source);
        return table == null ? null : TableLoad.utf8TextColumns(table, createdNames.contains(table.name()));
    }

    @Override
    public void apply(FoldedRow row) {
        if (row.deleted()) {
            return;
        }
        TableTarget table = renamed.get(row.table());
        try {
            runInto(table).write(row.values());
        } catch (SQLException e) {
            throw copyFailed(table, e);
        }
    }

    @Override
    public boolean applyEncoded(TableTarget source, RowDecoder decoder, byte[] version, int finalShapeId) {
        TableTarget table = renamed.get(source);
        try {
            return runInto(table).write(decoder, version, finalShapeId);
        } catch (SQLException e) {
            throw copyFailed(table, e);
        }
    }

    /** The COPY into {@code table}, begun when the rows of another table end (rows come table after table). */
    private TableLoad runInto(TableTarget table) throws SQLException {
        if (run == null || runTable != table) {
            finishRun();
            run = open(table);
            runTable = table;
        }
        return run;
    }

    private RuntimeException copyFailed(TableTarget table, SQLException e) {
        return nullInNotNull(e).orElseGet(() -> new IllegalStateException("COPY into " + table.name() + " failed: " + e.getMessage(), e));
    }

    /**
     * Binary COPY into a table created here whose every column has a plain binary form; text COPY
     * otherwise, and for a table with an ADD COLUMN's missing value (carried as the catalog's text).
     */
    private TableLoad open(TableTarget table) throws SQLException {
        return staged != null && staged.staged(table) != null ? staged.open(table)
                : TableLoad.open(copies, table, createdNames.contains(table.name()));
    }

    @Override
    public void commit() {
        try {
            finishRun();
            if (staged != null) {
                staged.commit(connection);
            }
            if (selective.where().isPresent()) {
                keepOnly(selective.where().get());
            }
            try (Statement s = connection.createStatement()) {
                for (String sql : RestoredTableDdl.afterLoad(created, restoredTables, selective.where().isPresent())) {
                    s.execute(sql);
                }
            }
            CommitOrDoubt.commit(connection);
        } catch (CommitInDoubtException e) {
            throw new IllegalStateException("cannot tell whether the restore into " + spec.describe() + " committed: " + e.getMessage()
                    + " (the server may have committed all of it or nothing: its tables then hold every restored row or none)", e);
        } catch (SQLException e) {
            throw nullInNotNull(e).orElseGet(() -> new IllegalStateException("cannot finish the restore into " + spec.describe() + ": "
                    + e.getMessage() + " (nothing was committed)", e));
        }
    }

    /**
     * A restored row with NULL in a column the table was created NOT NULL (a key column, or one the captured definition
     * declares so), named without the server's detail: that holds the row's values, a tenant's data.
     */
    private Optional<RuntimeException> nullInNotNull(SQLException e) {
        ServerErrorMessage server = e instanceof PSQLException p ? p.getServerErrorMessage() : null;
        if (!NOT_NULL_VIOLATION.equals(e.getSQLState()) || server == null) {
            return Optional.empty();
        }
        // a staged table's row is named by the table where it belongs
        String table = staged == null ? server.getSchema() + "." + server.getTable()
                : staged.destination(server.getSchema(), server.getTable());
        return Optional.of(new BadInputException("cannot restore tenant " + tenant + ": a row of " + table + " has NULL in column "
                + server.getColumn() + ", which the restored table declares NOT NULL (a key column, e.g. of a custom message key"
                + " over nullable columns, or NOT NULL in the captured definition); leave those rows out (--where \""
                + server.getColumn() + " IS NOT NULL\"), or create the table yourself and restore into it while empty"
                + " (nothing was committed)"));
    }

    /** Deletes the loaded rows the predicate does not hold for (of this tenant only, in a table shared with others). */
    private void keepOnly(RowPredicate where) throws SQLException {
        for (Map.Entry<TableTarget, TableTarget> restored : renamed.entrySet()) {
            TableTarget table = restored.getValue();
            boolean shared = table.shape().columns().contains(tenantColumn);
            String sql = "DELETE FROM " + PgDdl.qualified(table.shape()) + " WHERE NOT coalesce(" + where.parenthesized() + ", false)"
                    + (shared ? " AND " + PgDdl.quote(tenantColumn) + "::text = ?" : "");
            try (PreparedStatement delete = connection.prepareStatement(sql)) {
                if (shared) {
                    delete.setString(1, tenant);
                }
                long rows = loaded.getOrDefault(table.name(), 0L);
                kept.put(restored.getKey().name(), rows - delete.executeUpdate());
            }
        }
    }

    @Override
    public Map<String, Long> rowsKept() {
        return Map.copyOf(kept);
    }

    private void finishRun() throws SQLException {
        if (run != null) {
            TableLoad finished = run;
            TableTarget table = runTable;
            run = null;
            runTable = null;
            long counted = finished.finish();
            loaded.merge(table.name(), counted, Long::sum);
            if (counted != finished.rows()) {
                throw new SQLException("the server counted " + counted + " rows of " + table.name() + ", not " + finished.rows());
            }
        }
    }

    @Override
    public void abort() {
        if (run != null) {
            run.cancel();
            run = null;
        }
        if (connection != null) {
            try {
                connection.rollback();
            } catch (SQLException e) {
                // closing the connection rolls back too
            }
            if (staged != null) {
                staged.abort(connection, spec);
            }
        }
    }

    @Override
    public void close() {
        if (staged != null) {
            staged.close();
        }
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                // nothing left to keep: a transaction not committed is rolled back by the server
            }
        }
    }
}

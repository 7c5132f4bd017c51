package dev.strata.capture;

import dev.strata.capture.pg.PgColumnType;
import dev.strata.capture.pg.TableShape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Checks the configured tables before the engine starts. Errors stop the start, all named at once
 * with their fixes; warnings are returned for the log. Pure apart from the catalog it is given.
 */
final class StartupChecks {
    private StartupChecks() {
    }

    /**
     * @param matched the tables {@link CaptureConfig#TABLES} matches now (a table created later is checked by nothing
     *     but its changes: tenant resolution and dead letters apply to it as to any row)
     * @return warnings; throws IllegalStateException listing every error
     */
    static List<String> run(CaptureConfig config, TenantResolver tenants, Function<String, Optional<TableShape>> catalog,
            List<String> matched) {
        List<String> errors = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        String tenantColumn = tenants.tenantColumn();
        List<String> tables = new ArrayList<>(matched);
        config.tableSelection().exactTables().stream().filter(t -> !matched.contains(t)).forEach(tables::add);
        if (matched.isEmpty() && !config.tableSelection().exactOnly()) {
            warnings.add(CaptureConfig.TABLES + "=" + config.tableSelection() + " matches no table of database "
                    + config.databaseName() + " yet: the tables it matches are captured from their creation on");
        }
        for (String table : tables) {
            Optional<TableShape> found = catalog.apply(table);
            if (found.isEmpty()) {
                errors.add("table " + table + " does not exist in database " + config.databaseName()
                        + ": create it, or remove it from " + CaptureConfig.TABLES);
                continue;
            }
            TableShape shape = found.get();
            if (!shape.identifiesRows()) {
                errors.add("table " + table + " has neither a primary key nor REPLICA IDENTITY FULL, so Postgres cannot"
                        + " say which row an UPDATE or DELETE changed: add a primary key, or run ALTER TABLE " + table
                        + " REPLICA IDENTITY FULL");
                continue;
            }
            TenantResolver.Source source = tenants.sourceOf(table, shape.hasColumn(tenantColumn));
            if (source == TenantResolver.Source.TENANT_COLUMN && !shape.oldRowCarries(tenantColumn)) {
                errors.add("DELETEs of " + table + " would not carry " + tenantColumn + " (it is not in the "
                        + (shape.replicaIdentity() == 'i' ? "replica identity index" : "primary key")
                        + "), so their tenant would be unknown: run ALTER TABLE " + table
                        + " REPLICA IDENTITY FULL, or make " + tenantColumn + " part of the primary key");
            }
            if (source == TenantResolver.Source.NONE) {
                warnings.add("table " + table + " has no tenant: its changes go to strata.dlq as NO_TENANT (add a "
                        + tenantColumn + " column, set " + CaptureConfig.TENANT_SCHEMA_PATTERN + ", or list it in "
                        + CaptureConfig.SHARED_TABLES + ")");
            }
            for (Map.Entry<String, PgColumnType> column : shape.columns().entrySet()) {
                if ("timetz".equals(column.getValue().base())) {
                    warnings.add("column " + column.getKey() + " of " + table + " is " + column.getValue().declared()
                            + ": Debezium 3.6 drops its offset when streaming, so a streamed non-NULL value is dead-lettered"
                            + " as UNREPRESENTABLE_VALUE (use timestamptz, or text)");
                }
            }
        }
        if (!errors.isEmpty()) {
            throw new IllegalStateException("capture cannot start: " + String.join("; ", errors));
        }
        return warnings;
    }
}

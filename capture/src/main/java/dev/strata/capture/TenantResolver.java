package dev.strata.capture;

import dev.strata.schemas.TenantId;
import dev.strata.schemas.kafka.DeadLetterReason;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the tenant a change belongs to (DESIGN.md section 3), in this order: the database's own
 * tenant when the whole database is one tenant's ({@link CaptureConfig#TENANT_FIXED}), a shared table's home
 * tenant, the tenant column of a shared-schema table, the schema name of a schema-per-tenant
 * table. A change with none of them, or with a tenant value that is not a valid tenant id, is not
 * guessed: it is resolved to a dead-letter reason. Pure.
 */
public final class TenantResolver {
    /** The named group of the schema pattern that holds the tenant id; the whole schema name without it. */
    static final String TENANT_GROUP = "tenant";

    /** A row's columns as Debezium gives them. */
    interface Row {
        boolean has(String column);

        Object get(String column);
    }

    sealed interface Resolution permits Tenant, Unresolved {
    }

    public record Tenant(String id) implements Resolution {
    }

    record Unresolved(DeadLetterReason reason, String detail) implements Resolution {
    }

    /** How a table's tenant is found, for the startup checks. */
    public enum Source { DATABASE, SHARED_TABLE, TENANT_COLUMN, SCHEMA_NAME, NONE }

    private final String fixedTenant;
    private final String tenantColumn;
    private final Pattern schemaPattern;
    private final boolean schemaPatternNamesTenant;
    private final Map<String, String> sharedTables;

    TenantResolver(String tenantColumn, Pattern schemaPattern, Map<String, String> sharedTables) {
        this(null, tenantColumn, schemaPattern, sharedTables);
    }

    /** @param fixedTenant the tenant of every change of the database, or null to resolve per table and row */
    TenantResolver(String fixedTenant, String tenantColumn, Pattern schemaPattern, Map<String, String> sharedTables) {
        this.fixedTenant = fixedTenant;
        this.tenantColumn = Objects.requireNonNull(tenantColumn, "tenantColumn");
        this.schemaPattern = schemaPattern;
        this.schemaPatternNamesTenant = schemaPattern != null && schemaPattern.pattern().contains("(?<" + TENANT_GROUP + ">");
        this.sharedTables = Map.copyOf(sharedTables);
    }

    public static TenantResolver of(CaptureConfig config) {
        return new TenantResolver(config.fixedTenant().orElse(null), config.tenantColumn(), config.tenantSchemaPattern(),
                config.sharedTables());
    }

    public String tenantColumn() {
        return tenantColumn;
    }

    public Source sourceOf(String table, boolean tableHasTenantColumn) {
        if (fixedTenant != null) {
            return Source.DATABASE;
        }
        if (sharedTables.containsKey(table)) {
            return Source.SHARED_TABLE;
        }
        if (tableHasTenantColumn) {
            return Source.TENANT_COLUMN;
        }
        return schemaMatcher(schemaOf(table)) != null ? Source.SCHEMA_NAME : Source.NONE;
    }

    /**
     * @param table {@code schema.table}
     * @param tableHasTenantColumn whether the table has the tenant column now (from the catalog)
     * @param row the new row, or the old one for a DELETE; null for a TRUNCATE
     */
    public Resolution resolve(String table, boolean tableHasTenantColumn, Row row) {
        if (fixedTenant != null) {
            return new Tenant(fixedTenant);
        }
        String shared = sharedTables.get(table);
        if (shared != null) {
            return new Tenant(shared);
        }
        if (row != null && row.has(tenantColumn)) {
            return fromValue(table, row.get(tenantColumn));
        }
        if (tableHasTenantColumn) {
            String detail = row == null
                    ? "TRUNCATE of " + table + " removes the rows of every tenant at once, and a change has one tenant:"
                            + " delete per tenant (DELETE ... WHERE " + tenantColumn + " = ...) or back the table up per schema"
                    : "the old row of this change does not carry " + tenantColumn + " of " + table
                            + ": run ALTER TABLE " + table + " REPLICA IDENTITY FULL";
            return new Unresolved(DeadLetterReason.NO_TENANT, detail);
        }
        String schema = schemaOf(table);
        Matcher matcher = schemaMatcher(schema);
        if (matcher != null) {
            String tenant = schemaPatternNamesTenant ? matcher.group(TENANT_GROUP) : schema;
            return validated(table, tenant, "schema " + schema);
        }
        return new Unresolved(DeadLetterReason.NO_TENANT, "table " + table + " has no " + tenantColumn
                + " column and its schema is not a tenant schema: add the column, set "
                + CaptureConfig.TENANT_SCHEMA_PATTERN + ", or list it in " + CaptureConfig.SHARED_TABLES);
    }

    private Resolution fromValue(String table, Object value) {
        if (value == null) {
            return new Unresolved(DeadLetterReason.BAD_TENANT_ID, tenantColumn + " of " + table + " is NULL");
        }
        if (!(value instanceof CharSequence) && !(value instanceof Number)) {
            return new Unresolved(DeadLetterReason.BAD_TENANT_ID, tenantColumn + " of " + table + " is a "
                    + value.getClass().getSimpleName() + ", not text or a whole number");
        }
        return validated(table, value.toString(), tenantColumn);
    }

    private static Resolution validated(String table, String tenant, String where) {
        try {
            return new Tenant(TenantId.of(tenant).value());
        } catch (IllegalArgumentException | NullPointerException e) {
            return new Unresolved(DeadLetterReason.BAD_TENANT_ID, where + " of " + table + ": " + e.getMessage());
        }
    }

    private Matcher schemaMatcher(String schema) {
        if (schemaPattern == null) {
            return null;
        }
        Matcher matcher = schemaPattern.matcher(schema);
        return matcher.matches() ? matcher : null;
    }

    private static String schemaOf(String table) {
        return table.substring(0, table.indexOf('.'));
    }
}

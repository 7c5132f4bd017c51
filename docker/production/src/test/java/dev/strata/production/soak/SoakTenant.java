package dev.strata.production.soak;

/**
 * A tenant of the soak's workload: its rows live in one source database ({@code fixed}: the whole
 * database is the tenant's and its tables have no tenant column), placed in {@code regime}.
 */
record SoakTenant(String id, String database, String regime, boolean fixed) {

    /** The FROM clause of this tenant's rows of {@code table} (alias t), in the source and in a restored copy alike. */
    String rowsOf(String table) {
        return "public." + table + " t" + (fixed ? "" : " where t.tenant_id = '" + id + "'");
    }

    /** The tenant column's value in an INSERT's row, or nothing for a database of its own. */
    String tenantValue() {
        return fixed ? "" : "'" + id + "', ";
    }

    String tenantPredicate() {
        return fixed ? "" : "tenant_id = '" + id + "' and ";
    }
}

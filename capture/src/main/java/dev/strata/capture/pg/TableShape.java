package dev.strata.capture.pg;

import java.util.List;
import java.util.Map;

/**
 * What capture needs to know about one captured table, read from the catalog.
 *
 * @param table {@code schema.table}
 * @param columns column name to type, in column order
 * @param replicaIdentity {@code pg_class.relreplident}: d default (primary key), f full, i index, n nothing
 * @param identityColumns the columns Postgres sends in the old row of an UPDATE or DELETE (all of them when full)
 */
public record TableShape(String table, Map<String, PgColumnType> columns, char replicaIdentity, List<String> identityColumns) {
    static final char FULL = 'f';

    /** This shape with the replica identity a definition in the WAL gives (the catalog read later may hold a newer one). */
    public TableShape withIdentity(ReplicaIdentity identity) {
        return new TableShape(table, columns, identity.kind(), identity.columns());
    }

    public boolean hasColumn(String column) {
        return columns.containsKey(column);
    }

    /** Postgres sends enough of the old row to identify it: a primary key, an identity index, or everything. */
    public boolean identifiesRows() {
        return replicaIdentity == FULL || !identityColumns.isEmpty();
    }

    /** Whether a DELETE's old row carries {@code column}. */
    public boolean oldRowCarries(String column) {
        return replicaIdentity == FULL || identityColumns.contains(column);
    }
}

package dev.strata.schemas.fold;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A table's columns as the change log describes them: names, declared Postgres types and key
 * columns. A table's shape changes with ADD/DROP COLUMN; the newest shape at the restore point is
 * the one a target creates.
 *
 * @param table {@code schema.table}
 * @param keyColumns the primary-key (or replica identity) columns; empty for a table without one
 */
public record TableShape(String table, List<String> columns, List<String> pgTypes, List<String> keyColumns) {

    public TableShape {
        Objects.requireNonNull(table, "table");
        columns = List.copyOf(columns);
        pgTypes = List.copyOf(pgTypes);
        keyColumns = List.copyOf(keyColumns);
        if (columns.size() != pgTypes.size()) {
            throw new IllegalArgumentException("table " + table + ": " + columns.size() + " columns but " + pgTypes.size() + " types");
        }
    }

    public int indexOf(String column) {
        return columns.indexOf(column);
    }

    /** The positions of the key columns among {@link #columns()}, -1 for one the row lacks. */
    public int[] keyIndexes() {
        return keyColumns.stream().mapToInt(columns::indexOf).toArray();
    }

    public String schemaName() {
        int dot = table.indexOf('.');
        return dot < 0 ? "public" : table.substring(0, dot);
    }

    public String tableName() {
        int dot = table.indexOf('.');
        return dot < 0 ? table : table.substring(dot + 1);
    }

    @Override
    public String toString() {
        return table + Arrays.toString(columns.toArray()) + " key " + keyColumns;
    }
}

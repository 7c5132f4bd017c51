package dev.strata.restore.target;

import dev.strata.schemas.fold.TableShape;
import java.util.Objects;

/**
 * One key's state at the restore point.
 *
 * @param values the row in the columns of {@code table}, or null when the key was deleted (a tombstone)
 * @param key the key values, in the order of the table's key columns (the whole row for a keyless table)
 */
public record FoldedRow(TableTarget table, Object[] values, Object[] key) {

    public FoldedRow {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(key, "key");
    }

    public boolean deleted() {
        return values == null;
    }

    public TableShape shape() {
        return table.shape();
    }
}

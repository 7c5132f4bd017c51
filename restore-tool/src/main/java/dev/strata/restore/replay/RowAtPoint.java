package dev.strata.restore.replay;

import dev.strata.schemas.fold.FoldOp;
import dev.strata.schemas.fold.ShapeCatalog;
import dev.strata.schemas.fold.TableShape;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * A key's row at a restore point known without reading the log up to it: the old row that the key's first change after
 * the point carries (whole for a table of REPLICA IDENTITY FULL), what that change replaced.
 *
 * @param row an UPSERT of the key with the old row, at the change's position, in the ids of the catalog that read it
 * @param values the old row's values, in {@code shape}'s column order
 */
public record RowAtPoint(TableShape shape, FoldOp row, Object[] values) {

    /** Whether it holds each of {@code columns}: under REPLICA IDENTITY DEFAULT an old row holds the key's columns only. */
    public boolean holds(List<String> columns) {
        return shape.columns().containsAll(columns);
    }

    /**
     * Whether it has a value (not NULL) in a column outside {@code columns}: an old row Postgres logged with fewer columns
     * than capture took for sent (its cached replica identity stale) holds NULL in each of them but the identity's.
     */
    public boolean hasValueOutside(Collection<String> columns) {
        for (int i = 0; i < values.length; i++) {
            if (values[i] != null && !columns.contains(shape.columns().get(i))) {
                return true;
            }
        }
        return false;
    }

    /** Its value of {@code column}, as text; empty when it has no such column, or NULL. */
    public Optional<String> text(String column) {
        int at = shape.indexOf(column);
        return at < 0 || values[at] == null ? Optional.empty() : Optional.of(values[at].toString());
    }

    /** The same row in the ids {@code catalog} gives its table and shape. */
    FoldOp in(ShapeCatalog catalog) {
        return row.inCatalog(catalog.tableId(shape.table()), catalog.shapeId(shape));
    }
}

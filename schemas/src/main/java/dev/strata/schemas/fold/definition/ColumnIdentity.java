package dev.strata.schemas.fold.definition;

import dev.strata.schemas.ddl.DefinedColumn;
import dev.strata.schemas.ddl.TableDefinition;
import dev.strata.schemas.fold.TableShape;

import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Where each value of a row version goes in the table's final definition, found by attnum rather
 * than by name: the version's column names are those of the definition in force at its position,
 * so a column renamed since comes out under its new name, a dropped one is left out, and a column
 * added since gets what PostgreSQL gives a row that predates it: the ADD COLUMN's missing value
 * ({@code attmissingval}), else NULL. The missing value is taken from the definition the ADD COLUMN
 * left, not the final one: a later table rewrite (ALTER TYPE, a volatile default) writes it into
 * every row and clears it from the catalog. Not thread-safe (one per {@link dev.strata.schemas.fold.RowDecoder}).
 */
public final class ColumnIdentity {
    /**
     * @param map per value of the version, its position in the final columns or -1
     * @param fills per final column, whether it takes {@code fillValues}
     * @param inOrder whether the version's values are the final columns, in their order, with none to fill: read as they lie
     */
    public record Layout(int[] map, boolean[] fills, Object[] fillValues, boolean inOrder) {
    }

    /** By identity: a definition is one object per DDL event, and hashing it per row would cost more than the row. */
    private final Map<TableDefinition, Map<TableDefinition, Map<Integer, Layout>>> layouts = new IdentityHashMap<>();

    /** @param added the column as the definition that first had its attnum describes it (the ADD COLUMN's) */
    public Layout layout(TableShape rowShape, int rowShapeId, TableDefinition atRow, TableDefinition last, IntFunction<DefinedColumn> added) {
        return layouts.computeIfAbsent(atRow, a -> new IdentityHashMap<>()).computeIfAbsent(last, l -> new HashMap<>())
                .computeIfAbsent(rowShapeId, id -> compute(rowShape, atRow, last, added));
    }

    private static Layout compute(TableShape rowShape, TableDefinition atRow, TableDefinition last, IntFunction<DefinedColumn> added) {
        List<DefinedColumn> finalColumns = last.liveColumns();
        int[] map = new int[rowShape.columns().size()];
        boolean[] filled = new boolean[finalColumns.size()];
        for (int i = 0; i < map.length; i++) {
            String name = rowShape.columns().get(i);
            int attnum = atRow.column(name).or(() -> last.column(name)).map(DefinedColumn::attnum).orElse(-1);
            map[i] = indexOf(finalColumns, attnum);
            if (map[i] >= 0) {
                filled[map[i]] = true;
            }
        }
        boolean[] fills = new boolean[finalColumns.size()];
        Object[] values = new Object[finalColumns.size()];
        for (int j = 0; j < finalColumns.size(); j++) {
            DefinedColumn column = finalColumns.get(j);
            if (!filled[j] && !atRow.hadAttnum(column.attnum())) {
                fills[j] = true; // added after the version was written: PostgreSQL reads the missing value
                DefinedColumn whenAdded = added.apply(column.attnum());
                values[j] = whenAdded.hasMissingValue() ? whenAdded.missingValue() : null;
            }
        }
        boolean inOrder = map.length == finalColumns.size();
        for (int i = 0; i < map.length && inOrder; i++) {
            inOrder = map[i] == i && !fills[i];
        }
        return new Layout(map, fills, values, inOrder);
    }

    private static int indexOf(List<DefinedColumn> columns, int attnum) {
        for (int j = 0; j < columns.size(); j++) {
            if (columns.get(j).attnum() == attnum) {
                return j;
            }
        }
        return -1;
    }
}

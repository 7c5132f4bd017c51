package dev.strata.schemas.fold.definition;

import dev.strata.schemas.ddl.TableDefinition;
import dev.strata.schemas.fold.FoldOp;

import java.util.List;

/**
 * One table's definitions in log order, frozen for a drain: the definition in force at a row
 * version's position is found without a lock or an allocation per row.
 */
public final class DefinitionTimeline {
    private final long[] lsns;
    private final long[] orders;
    private final TableDefinition[] definitions;

    public DefinitionTimeline(List<DefinitionHistory.Entry> entries) {
        lsns = new long[entries.size()];
        orders = new long[entries.size()];
        definitions = new TableDefinition[entries.size()];
        for (int i = 0; i < definitions.length; i++) {
            lsns[i] = entries.get(i).at().lsn();
            orders[i] = entries.get(i).at().txOrder();
            definitions[i] = entries.get(i).definition();
        }
    }

    public TableDefinition last() {
        return definitions[definitions.length - 1];
    }

    /** The last definition at or before the position; the first when the position is older than all (see {@link DefinitionHistory#inForceAt}). */
    public TableDefinition inForceAt(long lsn, long txOrder) {
        int low = 0;
        int high = definitions.length - 1;
        int found = -1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            if (FoldOp.compareOrder(lsns[mid], orders[mid], lsn, txOrder) <= 0) {
                found = mid;
                low = mid + 1;
            } else {
                high = mid - 1;
            }
        }
        return definitions[Math.max(found, 0)];
    }
}

package dev.strata.restore.replay;

import dev.strata.schemas.fold.ShapeCatalog;
import java.util.BitSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which tables' changes a selective restore folds, decided by table id (one bit test per change),
 * and which tables the tenant's changes up to the point named at all, for the refusal of a table
 * it does not have. Reader threads each take a {@link Pass} and report what they saw when done.
 */
final class TableFilter {
    private final ShapeCatalog catalog;
    private final BitSet wanted;
    private final Set<Integer> seen = ConcurrentHashMap.newKeySet();

    /** @param wanted null: every table */
    private TableFilter(ShapeCatalog catalog, BitSet wanted) {
        this.catalog = catalog;
        this.wanted = wanted;
    }

    static TableFilter of(TableSelection selection, ShapeCatalog catalog) {
        if (selection.all()) {
            return new TableFilter(catalog, null);
        }
        BitSet wanted = new BitSet();
        selection.tables().forEach(t -> wanted.set(catalog.tableId(t)));
        return new TableFilter(catalog, wanted);
    }

    Pass pass() {
        return new Pass();
    }

    /** The names of the tables changes were seen of, kept or not. */
    void addSeenTo(Set<String> names) {
        seen.forEach(id -> names.add(catalog.table(id)));
    }

    /** One reader's filter over one segment: it keeps its own record of the tables seen and merges it on close. */
    final class Pass {
        private final BitSet seenHere = new BitSet();

        /** Whether the table's changes are folded; the table is seen (asked of a change in the restore). */
        boolean keep(int tableId) {
            seenHere.set(tableId);
            return wants(tableId);
        }

        /** Whether the table's changes are folded, the table not seen (asked of a change before it is known in the restore). */
        boolean wants(int tableId) {
            return wanted == null || wanted.get(tableId);
        }

        void close() {
            seenHere.stream().forEach(seen::add);
        }
    }
}

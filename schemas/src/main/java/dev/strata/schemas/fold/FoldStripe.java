package dev.strata.schemas.fold;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The keys of one hash stripe of every table: the unit of locking of the fold, so that reader
 * threads fold their own segments side by side (a key always lands in the same stripe). Guarded
 * by its own monitor.
 */
final class FoldStripe {
    final Map<Integer, KeyedVersions> tables = new HashMap<>();
    /** Per table: lsn, txOrder and shape id of the newest row image this stripe saw. */
    final Map<Integer, long[]> newestShape = new HashMap<>();
    long changes;
    long superseded;
    long duplicates;
    private int lastTableId = -1;
    private KeyedVersions lastTable;
    private int lastShapeTableId = -1;
    private long[] lastShape;
    private final ShapeCatalog catalog;

    FoldStripe(ShapeCatalog catalog) {
        this.catalog = catalog;
    }

    KeyedVersions table(int tableId) {
        if (tableId != lastTableId) {
            lastTable = tables.computeIfAbsent(tableId, id -> new KeyedVersions(catalog));
            lastTableId = tableId;
        }
        return lastTable;
    }

    /** The table's versions if the stripe has any, without creating them (a lookup, not a change). */
    KeyedVersions find(int tableId) {
        return tableId == lastTableId ? lastTable : tables.get(tableId);
    }

    void trackShape(FoldOp op) {
        // A DELETE's image may be the key alone (REPLICA IDENTITY DEFAULT): only new row images
        // say which columns the table has.
        if (op.shapeId() < 0 || op.kind() == FoldOp.Kind.DELETE) {
            return;
        }
        if (op.tableId() != lastShapeTableId) { // one boxed lookup per change was 3% of a restore's reading (JFR)
            lastShape = newestShape.computeIfAbsent(op.tableId(), id -> new long[] {Long.MIN_VALUE, Long.MIN_VALUE, -1});
            lastShapeTableId = op.tableId();
        }
        long[] newest = lastShape;
        if (FoldOp.compareOrder(op.lsn(), op.txOrder(), newest[0], newest[1]) > 0) {
            newest[0] = op.lsn();
            newest[1] = op.txOrder();
            newest[2] = op.shapeId();
        }
    }

    /** Replaces a table's versions (after compaction, spilling or draining). */
    void replace(int tableId, KeyedVersions versions) {
        tables.put(tableId, versions);
        lastTableId = -1;
    }

    /** The table's versions, one part per stripe that holds any. */
    static List<KeyedVersions> parts(FoldStripe[] stripes, int tableId) {
        List<KeyedVersions> parts = new ArrayList<>();
        for (FoldStripe stripe : stripes) {
            KeyedVersions table = stripe.tables.get(tableId);
            if (table != null) {
                parts.add(table);
            }
        }
        return parts;
    }

    /** The lsn, txOrder and shape id of the table's newest row image in any stripe; null if it had none. */
    static long[] newestShape(FoldStripe[] stripes, int tableId) {
        long[] best = null;
        for (FoldStripe stripe : stripes) {
            synchronized (stripe) {
                long[] s = stripe.newestShape.get(tableId);
                if (s != null && s[2] >= 0 && (best == null || FoldOp.compareOrder(s[0], s[1], best[0], best[1]) > 0)) {
                    best = s.clone();
                }
            }
        }
        return best;
    }

    /** What the stripes folded, with a spilled fold's own count (null: not spilled). */
    static FoldStats stats(FoldStripe[] stripes, SpillPartitions spilled, long truncates) {
        long changes = 0;
        long superseded = spilled == null ? 0 : spilled.superseded();
        long duplicates = 0;
        for (FoldStripe stripe : stripes) {
            changes += stripe.changes;
            superseded += stripe.superseded;
            duplicates += stripe.duplicates;
        }
        changes -= truncates * (stripes.length - 1); // a TRUNCATE was counted once per stripe
        return new FoldStats(changes, superseded, duplicates, truncates, spilled == null ? 0 : spilled.bytesWritten(),
                spilled == null ? 1 : spilled.count());
    }

    long footprint() {
        return tables.values().stream().mapToLong(KeyedVersions::footprint).sum();
    }
}

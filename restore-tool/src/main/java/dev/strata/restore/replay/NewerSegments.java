package dev.strata.restore.replay;

import dev.strata.restore.store.ListedSegment;
import dev.strata.schemas.fold.FoldOp;
import dev.strata.schemas.fold.FoldPosition;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/**
 * What the segments read whole tell a reader of an older segment (one that ends before they begin): every change of
 * theirs is newer than every change of it. So a table that had a new row image in one of them has a newer image than
 * any of the older segment's, whose shapes the fold would not keep ({@link KeyFilter.Pass#shapeNeeded}); and a key whose
 * version the fold holds from where one of them begins loses nothing to the older segment's changes, which need not be
 * decoded ({@link KeyFilter.Pass#decodes}). As {@link KeySettlement} does, this takes cut times never to decrease in
 * commit order (true of every segment since the cut time came, schema v3; before it, the commit time stood for it);
 * "ends before" is strict, since a transaction's changes may span two segments with one cut time. Thread-safe.
 */
final class NewerSegments {
    private final Map<Integer, Long> imagedFrom = new HashMap<>();
    /** Per segment read whole, by where it begins: its first change in commit order. */
    private final Map<Long, FoldPosition> firstChanges = new HashMap<>();

    /** What is known newer than one segment. @param firstChange the first change of them in commit order; null: none known */
    record Newer(BitSet imaged, FoldPosition firstChange) {
    }

    /**
     * A segment was read whole. @param imaged the tables that had a new image in it
     * @param firstChange its first change in commit order that the restore reads; null if none
     */
    synchronized void read(ListedSegment segment, BitSet imaged, FoldPosition firstChange) {
        imaged.stream().forEach(table -> imagedFrom.merge(table, segment.minCommitMicros(), Math::max));
        if (firstChange != null) {
            firstChanges.merge(segment.minCommitMicros(), firstChange, NewerSegments::first);
        }
    }

    synchronized Newer newerThan(ListedSegment segment) {
        BitSet imaged = new BitSet();
        imagedFrom.forEach((table, from) -> {
            if (segment.maxCommitMicros() < from) {
                imaged.set(table);
            }
        });
        FoldPosition first = null;
        for (Map.Entry<Long, FoldPosition> e : firstChanges.entrySet()) {
            if (segment.maxCommitMicros() < e.getKey()) {
                first = first == null ? e.getValue() : first(first, e.getValue());
            }
        }
        return new Newer(imaged, first);
    }

    static FoldPosition first(FoldPosition a, FoldPosition b) {
        return FoldOp.compareOrder(a.lsn(), a.txOrder(), b.lsn(), b.txOrder()) <= 0 ? a : b;
    }
}

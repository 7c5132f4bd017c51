package dev.strata.restore.replay;

import dev.strata.restore.store.ListedSegment;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/**
 * Per table, where the newest segment read whole that held a new row image of it (at or before the
 * restore point) begins: a segment that ends before that holds only older images of the table,
 * whose shapes the fold would not keep, so a read of a few keys need not read their columns' names
 * and types ({@link KeyFilter.Pass#shapeNeeded}). As {@link KeySettlement} does, this takes cut
 * times never to decrease in commit order (true of every segment since the cut time came, schema v3;
 * before it, the commit time stood for it), except snapshot rows' (see {@link KeySettlement}), so a
 * segment holding any proves nothing; "ends before" is strict, since a transaction's changes may
 * span two segments with one cut time. Thread-safe.
 */
final class NewerImages {
    private final Map<Integer, Long> imagedFrom = new HashMap<>();

    /** A segment was read whole, and these tables had a new image in it; none counts when it held snapshot rows. */
    synchronized void read(ListedSegment segment, BitSet imaged, boolean heldSnapshotRows) {
        if (heldSnapshotRows) {
            return;
        }
        imaged.stream().forEach(table -> imagedFrom.merge(table, segment.minCommitMicros(), Math::max));
    }

    /** The tables of which a segment read whole holds a newer image than any of {@code segment}. */
    synchronized BitSet knownNewerThan(ListedSegment segment) {
        BitSet known = new BitSet();
        imagedFrom.forEach((table, from) -> {
            if (segment.maxCommitMicros() < from) {
                known.set(table);
            }
        });
        return known;
    }
}

package dev.strata.restore.replay;

import dev.strata.restore.store.ListedSegment;
import dev.strata.schemas.fold.FoldOp;
import dev.strata.schemas.fold.definition.DefinitionHistory;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * When a restore of a few keys (a rollback's, {@link KeyFilter}) has read enough of the log, read
 * newest segment first: once every key it needs is settled by its newest change read (a delete, or
 * an image carrying every value: {@link FoldOp#settlesKey}), every table it needs has shown its
 * newest image (its columns), and the segments not read yet are all older than every segment read,
 * no unread change can be newer than what the fold has: the rest of the log and the base are not
 * read. Segment names carry cut times, which never decrease in commit order, so "older" is "ends
 * before the oldest read segment begins" (strictly: a cut time shared by two segments proves nothing).
 * Snapshot rows are the exception: their cut time can be later than that of a change committed
 * after their place in commit order (a blocking or an incremental snapshot's rows keep the time
 * they were read; a capture before 2026-12-07 cut a change committed as its initial snapshot began
 * before the snapshot's rows), and such a change can sit in a segment that ends before theirs
 * begins. So once a segment holding any was read, the cut times prove nothing older and the rest is
 * read.
 *
 * <p>Table definitions (DDL) also come from the log: a read window holding any is read to the end, so
 * that a table is rebuilt from its whole definition history; without one in the window, every needed
 * row was written after the table's last definition and is read the same by name. Thread-safe.
 */
final class KeySettlement {
    /** Per table, the keys to settle; a key whose first change after the point gave it a row had none at it and is not here. */
    private final Map<String, Set<KeyFilter.Key>> needed;
    private final Set<String> tables;
    private final Map<String, Map<KeyFilter.Key, long[]>> newest = new HashMap<>();
    private final Set<String> imaged = new HashSet<>();
    private long settled;
    private final long toSettle;
    private long oldestRead = Long.MAX_VALUE;
    private int segmentsRead;

    /**
     * @param tables the tables whose columns the restore needs (those of the keys, and any named by --table)
     * @param imaged the tables whose columns at the point are known already (from rows at the point the restore is given)
     */
    KeySettlement(Map<String, Set<KeyFilter.Key>> needed, Set<String> tables, Set<String> imaged) {
        this.needed = Map.copyOf(needed);
        this.tables = Set.copyOf(tables);
        this.imaged.addAll(imaged);
        this.toSettle = needed.values().stream().mapToLong(Set::size).sum();
    }

    /** A change the filter kept, of a segment being read. */
    synchronized void kept(String table, FoldOp op) {
        Set<KeyFilter.Key> keys = needed.get(table);
        KeyFilter.Key key = op.key() == null ? null : KeyFilter.Key.of(op.key());
        if (keys == null || key == null || !keys.contains(key)) {
            return;
        }
        // {lsn, txOrder, settles}
        long[] seen = newest.computeIfAbsent(table, t -> new HashMap<>()).get(key);
        if (seen != null && FoldOp.compareOrder(op.lsn(), op.txOrder(), seen[0], seen[1]) <= 0) {
            return;
        }
        long settles = op.settlesKey() ? 1 : 0;
        settled += settles - (seen == null ? 0 : seen[2]);
        newest.get(table).put(key, new long[] {op.lsn(), op.txOrder(), settles});
    }

    /** A new row image of {@code table} was read, kept or not: its columns are known from the segments read. */
    synchronized void imaged(String table) {
        imaged.add(table);
    }

    /**
     * A segment was read whole (every change of it reported).
     *
     * @param heldSnapshotRows whether it held snapshot rows (op READ) in the restore
     */
    synchronized void read(ListedSegment segment, boolean heldSnapshotRows) {
        oldestRead = Math.min(oldestRead, heldSnapshotRows ? Long.MIN_VALUE : segment.minCommitMicros());
        segmentsRead++;
    }

    /**
     * Whether nothing whose changes all have cut times at or before {@code newestUnreadMicros} needs reading:
     * asked once no segment is being read, so that every change reported is of a segment read whole.
     */
    synchronized boolean restNotNeeded(long newestUnreadMicros, DefinitionHistory definitions) {
        return settled == toSettle && imaged.containsAll(tables) && newestUnreadMicros < oldestRead && definitions.tables().isEmpty();
    }

    synchronized int segmentsRead() {
        return segmentsRead;
    }
}

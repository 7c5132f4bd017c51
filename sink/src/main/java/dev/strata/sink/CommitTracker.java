package dev.strata.sink;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * The commit rule: for each partition, the offset to commit is the lowest offset not yet durable
 * in both regions, or the consumer's position when everything read is durable.
 *
 * <p>A record is "held" from the moment it is read until what carries it is durable: the first
 * offset of an open or uploading segment (one hold per segment: a segment's records are durable
 * together), or a dead-lettered record until the dead-letter topic acknowledged it. Records
 * skipped as already durable are never held. Not thread-safe: owned by the poll thread, which
 * applies upload results as they arrive.
 */
public final class CommitTracker {

    private static final class PartitionState {
        private final TreeMap<Long, Integer> holds = new TreeMap<>();
        private long position;

        PartitionState(long position) {
            this.position = position;
        }
    }

    private final Map<Integer, PartitionState> partitions = new HashMap<>();

    /** Starts tracking a partition whose next record to read is at {@code position}. */
    public void assigned(int partition, long position) {
        partitions.put(partition, new PartitionState(position));
    }

    /** Forgets a partition that was taken away; its holds no longer matter to this sink. */
    public void revoked(int partition) {
        partitions.remove(partition);
    }

    public boolean tracks(int partition) {
        return partitions.containsKey(partition);
    }

    /** The consumer has read everything below {@code position} (records, transaction markers, aborted records). */
    public void advanceTo(int partition, long position) {
        PartitionState state = state(partition);
        state.position = Math.max(state.position, position);
    }

    /** The record at {@code offset} is not durable yet. */
    public void hold(int partition, long offset) {
        state(partition).holds.merge(offset, 1, Integer::sum);
    }

    /** What held {@code offset} is durable now (or was dead-lettered and acknowledged). */
    public void release(int partition, long offset) {
        PartitionState state = partitions.get(partition);
        if (state == null) {
            return; // revoked meanwhile: the new owner reads these records again
        }
        Integer count = state.holds.get(offset);
        if (count == null) {
            throw new IllegalStateException("partition " + partition + ": release of offset " + offset
                    + " that is not held; a segment was reported durable twice");
        }
        if (count == 1) {
            state.holds.remove(offset);
        } else {
            state.holds.put(offset, count - 1);
        }
    }

    /** The offset to commit: every record below it is durable in both regions. Empty for an untracked partition. */
    public OptionalLong committable(int partition) {
        PartitionState state = partitions.get(partition);
        if (state == null) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(state.holds.isEmpty() ? state.position : Math.min(state.holds.firstKey(), state.position));
    }

    /** How many holds a partition has: open and uploading segments plus unacknowledged dead letters. */
    public int holds(int partition) {
        PartitionState state = partitions.get(partition);
        return state == null ? 0 : state.holds.values().stream().mapToInt(Integer::intValue).sum();
    }

    private PartitionState state(int partition) {
        PartitionState state = partitions.get(partition);
        if (state == null) {
            throw new IllegalStateException("partition " + partition + " is not assigned to this sink");
        }
        return state;
    }
}

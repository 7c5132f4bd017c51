package dev.strata.schemas.event;

import dev.strata.schemas.avro.ChangeEvent;

/**
 * The first half of an event's place in the fold's order (the second is its order in the
 * transaction): its transaction's place in COMMIT order, {@code previousCommitLsn} (v4), or its own
 * LSN for an event without one (initial-snapshot rows, events written before v4). The two compare
 * correctly: a change's LSN lies below its own commit, so below the previousCommitLsn of every
 * transaction committed after it, and a snapshot row's LSN (the consistent point) is at or below
 * that of every streamed transaction (a tie is broken by the order in the transaction: 0 for a
 * snapshot row, from 1 for a streamed change). Ordering by LSN alone put a transaction that changed
 * a row before the snapshot point and committed after it before the snapshot's older image.
 */
public final class CommitPosition {
    private CommitPosition() {
    }

    public static long of(ChangeEvent event) {
        Long previousCommit = event.getPreviousCommitLsn();
        return previousCommit != null ? previousCommit : event.getLsn();
    }
}

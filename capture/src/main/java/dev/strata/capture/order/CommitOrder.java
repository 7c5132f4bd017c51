package dev.strata.capture.order;

/**
 * Each streamed transaction's place in commit order: Debezium's {@code lastCommitLsn} (the first
 * element of the source's {@code sequence}), the commit LSN of the transaction it received just
 * before. pgoutput delivers transactions in the order of their commit records, so the value is
 * unique per transaction and increases in commit order; it is set at every COMMIT, so heartbeat
 * transactions and transactions of other tenants count too.
 *
 * <p>Debezium has none for the first transaction of a fresh stream (no commit received yet, no
 * stored offset): that one gets the greatest initial-snapshot row LSN seen (the snapshot's
 * consistent point, so its rows order before every streamed transaction, the one in flight across
 * the snapshot point included) or, without a snapshot, the LSN of its first change; both lie below
 * its commit, and so below the value of the transaction after it.
 *
 * <p>Owned by the engine's thread (the converter): not thread-safe.
 */
public final class CommitOrder {
    private long snapshotLsn = Long.MIN_VALUE;
    private long firstTxId = Long.MIN_VALUE;
    private long firstOrder;

    /** A row of the initial snapshot at {@code lsn}. */
    public void snapshotRow(long lsn) {
        snapshotLsn = Math.max(snapshotLsn, lsn);
    }

    /**
     * @param sequence the source's {@code sequence}, e.g. {@code ["24023128","24023312"]}; may be null
     * @param eventLsn the event's own LSN
     */
    public long of(String sequence, long txId, long eventLsn) {
        Long previous = previousCommit(sequence);
        if (previous != null) {
            return previous;
        }
        if (txId != firstTxId) {
            firstTxId = txId;
            firstOrder = Math.max(snapshotLsn, eventLsn);
        }
        return firstOrder;
    }

    /**
     * The first element of Debezium's sequence, a JSON array of two decimal strings or nulls; null when absent.
     * Read in place: every streamed change has one (no substring per change).
     */
    public static Long previousCommit(String sequence) {
        if (sequence == null) {
            return null;
        }
        int start = sequence.indexOf('[');
        int comma = sequence.indexOf(',', start + 1);
        if (start < 0 || comma < 0) {
            throw new IllegalArgumentException("Debezium's source.sequence '" + sequence + "' is not [\"<lastCommitLsn>\",\"<lsn>\"]:"
                    + " a Debezium version capture does not know; pin the version capture was built with");
        }
        int from = start + 1;
        int to = comma;
        while (from < to && sequence.charAt(from) <= ' ') {
            from++;
        }
        while (to > from && sequence.charAt(to - 1) <= ' ') {
            to--;
        }
        if (sequence.startsWith("null", from) && to - from == 4) {
            return null;
        }
        if (to - from >= 2 && sequence.charAt(from) == '"' && sequence.charAt(to - 1) == '"') {
            from++;
            to--;
        }
        try {
            return Long.parseLong(sequence, from, to, 10);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Debezium's source.sequence '" + sequence + "' does not start with an LSN", e);
        }
    }
}

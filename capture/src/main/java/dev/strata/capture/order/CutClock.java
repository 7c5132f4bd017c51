package dev.strata.capture.order;

/**
 * The cut time of each transaction capture delivers: the greatest commit time among all commit
 * records up to and including the transaction's, in WAL order. PostgreSQL's recovery to T keeps
 * the transactions whose commit records precede the first one timed after T; commit times are not
 * monotonic in WAL order (a backend takes its commit time before it inserts the record), so "commit
 * time <= T" differs from that at inversions, and "cut time <= T" does not. pgoutput (not
 * streaming) delivers transactions in commit-record order, so the running maximum over the commit
 * times in delivery order is the WAL-order one.
 *
 * <p>A snapshot's rows are no commit records: they take their snapshot's time ({@link #snapshotRow}).
 *
 * <p>Limits: only commit records capture sees count. pgoutput sends no transaction that changes
 * no captured table, so such a commit cannot raise the maximum (PostgreSQL's would stop the
 * recovery there); and after a restart the maximum starts again from {@code seedMicros}, the newest
 * commit time capture knows at start (see {@link DebeziumOffsets}), not from the maximum before
 * the stop.
 *
 * <p>Owned by the engine's thread (the converter): not thread-safe.
 */
public final class CutClock {
    private long latest;
    /** The snapshot whose rows are being delivered (their LSN, its consistent point), and their cut time. */
    private long snapshotLsn = Long.MIN_VALUE;
    private long snapshotCut;

    /** @param seedMicros the newest commit time known to precede everything delivered next, or Long.MIN_VALUE */
    public CutClock(long seedMicros) {
        this.latest = seedMicros;
    }

    /**
     * A commit record, in delivery order: its transaction's cut time. Every event of one
     * transaction asks with the same commit time and gets the same cut time.
     */
    public long committed(long commitMicros) {
        latest = Math.max(latest, commitMicros);
        return latest;
    }

    /**
     * The cut time of a row of the initial snapshot: that of its first row, and the clock moves there. Each row is as
     * of the snapshot's consistent point (its LSN, the same for every row of one snapshot), and Debezium gives a
     * PostgreSQL snapshot's rows the time its snapshot transaction began, about when that point was taken; a
     * transaction committed just after the point is delivered after the snapshot, newer than its rows in commit order,
     * and cut at its own commit time it would sort before them. With the clock at the snapshot's time it is cut there,
     * and cut times never decrease in delivery order. A snapshot retried at another point (another LSN) takes its own
     * first row's time, never before what was delivered ahead of it.
     *
     * @param lsn the row's LSN, its snapshot's consistent point
     * @param readMicros the row's own time
     */
    public long snapshotRow(long lsn, long readMicros) {
        if (lsn != snapshotLsn) {
            snapshotLsn = lsn;
            snapshotCut = Math.max(latest, readMicros);
            latest = snapshotCut;
        }
        return snapshotCut;
    }

    /**
     * The cut time of something at {@code atMicros} that is no commit record (a non-transactional
     * checkpoint message): never before the transactions delivered ahead of it, never before its
     * own time, and it does not move the cut of the transactions after it.
     */
    public long between(long atMicros) {
        return Math.max(latest, atMicros);
    }
}

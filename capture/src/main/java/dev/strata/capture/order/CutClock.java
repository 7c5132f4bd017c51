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
     * The cut time of something at {@code atMicros} that is no commit record (a non-transactional
     * checkpoint message): never before the transactions delivered ahead of it, never before its
     * own time, and it does not move the cut of the transactions after it.
     */
    public long between(long atMicros) {
        return Math.max(latest, atMicros);
    }
}

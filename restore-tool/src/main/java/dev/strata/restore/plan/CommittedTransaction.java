package dev.strata.restore.plan;

/**
 * One transaction of a tenant as its backup shows it: what a restore to a transaction id or an LSN
 * decides by.
 *
 * @param previousCommitLsn its place in commit order (ChangeEvent v4): where the commit record before
 *     it ends; null for one captured before v4
 * @param cutMicros its cut time
 * @param commitLsn where its own commit record ends (its COMMIT event, ChangeEvent v5); null when the
 *     backup holds none (captured before v5)
 * @param commitStartsFrom the least LSN its commit record can start at, from its place in commit order
 *     and the records of its changes (which precede its commit record); null for one captured before v4
 */
public record CommittedTransaction(long txId, Long previousCommitLsn, long cutMicros, Long commitLsn, Long commitStartsFrom) {

    /** A transaction with no commit LSN (captured before ChangeEvent v5). */
    public CommittedTransaction(long txId, Long previousCommitLsn, long cutMicros) {
        this(txId, previousCommitLsn, cutMicros, null, previousCommitLsn);
    }

    public boolean ordered() {
        return previousCommitLsn != null;
    }
}

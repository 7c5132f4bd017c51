package dev.strata.restore.plan;

/**
 * One transaction of a tenant as its backup shows it: what a restore to a transaction id or an LSN
 * decides by.
 *
 * @param previousCommitLsn its place in commit order (ChangeEvent v4); null for one captured before v4
 * @param cutMicros its cut time
 */
public record CommittedTransaction(long txId, Long previousCommitLsn, long cutMicros) {

    public boolean ordered() {
        return previousCommitLsn != null;
    }
}

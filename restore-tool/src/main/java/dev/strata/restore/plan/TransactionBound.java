package dev.strata.restore.plan;

import dev.strata.restore.BadInputException;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.fold.select.TransactionFilter;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A restore to a transaction ({@code --until-xid}) as a restore to a cut time plus the transactions of that cut time to leave out: every transaction
 * whose commit precedes the bound's in WAL order has a cut time at or below the bound's (cut times
 * never decrease in WAL order), and those of the same cut time that commit after it are excluded
 * by id. Pure: decided from the tenant's transactions in its backup (up to its durable point).
 *
 * <p>Refused, naming what to give instead, wherever the backup cannot decide exactly: a
 * transaction that changed nothing of the tenant (its place in commit order is not in the
 * tenant's backup), one captured before commit order was recorded (ChangeEvent v4), and an xid
 * that names two transactions (wraparound).
 *
 * @param cutMicros the cut time to restore to
 * @param excluded the transactions with that cut time that commit after the bound
 */
public record TransactionBound(long cutMicros, Set<Long> excluded, String describe) {

    public TransactionFilter filter() {
        return txId -> !excluded.contains(txId);
    }

    /** {@code --until-xid}: every transaction whose commit precedes X's in WAL order, and X. */
    public static TransactionBound toXid(TenantId tenant, List<CommittedTransaction> transactions, long xid) {
        // txid_current() gives the xid with its epoch above the 32 bits PostgreSQL's WAL (and so Debezium) reports
        long wanted = xid & 0xFFFFFFFFL;
        List<CommittedTransaction> named = transactions.stream().filter(t -> t.txId() == wanted).toList();
        if (named.isEmpty()) {
            throw new BadInputException("transaction " + xid + " changed nothing of tenant " + tenant + " in its backup up to its durable"
                    + " point, so its place in commit order is not there; give --until-xid of a transaction of the tenant, or --until"
                    + " with a time");
        }
        if (named.stream().anyMatch(t -> !t.ordered())) {
            long cut = named.get(0).cutMicros();
            throw new BadInputException("transaction " + xid + " of tenant " + tenant + " was captured before the backup recorded commit"
                    + " order (ChangeEvent v4): give --until " + RestoreTime.format(cut) + ", its cut time, instead");
        }
        if (named.size() > 1) {
            throw new BadInputException("transaction id " + xid + " names " + named.size() + " transactions of tenant " + tenant
                    + " (the id wrapped around); give --until with a time instead");
        }
        return after(transactions, named.get(0), "transaction " + xid);
    }

    static TransactionBound after(List<CommittedTransaction> transactions, CommittedTransaction bound, String what) {
        Set<Long> excluded = transactions.stream()
                .filter(t -> t.ordered() && t.cutMicros() == bound.cutMicros() && t.previousCommitLsn() > bound.previousCommitLsn())
                .map(CommittedTransaction::txId).collect(Collectors.toSet());
        return new TransactionBound(bound.cutMicros(), Set.copyOf(excluded), what + " at cut time " + RestoreTime.format(bound.cutMicros()));
    }
}

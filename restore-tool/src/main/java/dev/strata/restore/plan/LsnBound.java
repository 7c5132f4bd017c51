package dev.strata.restore.plan;

import dev.strata.restore.BadInputException;
import dev.strata.schemas.TenantId;
import java.util.Comparator;
import java.util.List;

/**
 * A restore to an LSN ({@code --until-lsn L}) as PostgreSQL's {@code recovery_target_lsn = L}
 * (inclusive) would make it: recovery replays every record that starts before L and the first
 * record starting at or after L. With L on a record boundary (what pg_current_wal_lsn(),
 * pg_current_wal_insert_lsn() and commit ends give) a transaction T is in iff its commit record
 * starts at or before L. The backup knows where T's commit record ENDS (e, its COMMIT event) and a
 * least start s (the commit before it, its own change records): e <= L is in, s > L is out, and
 * between them (s <= L < e) only the start of the record decides, which the backup does not hold:
 * refused, naming T and the {@code --until-xid} that includes or leaves it out. Never a guess.
 *
 * <p>The answer is a prefix of the tenant's transactions in commit order, turned into a
 * {@link TransactionBound} at its last one. Pure.
 */
public final class LsnBound {
    private LsnBound() {
    }

    public static TransactionBound toLsn(TenantId tenant, TenantTransactions log, long lsn) {
        String target = WalLsn.format(lsn);
        List<CommittedTransaction> ordered = log.transactions().stream().filter(CommittedTransaction::ordered)
                .sorted(Comparator.comparing(CommittedTransaction::previousCommitLsn)).toList();
        CommittedTransaction firstKnown = ordered.stream().filter(t -> t.commitLsn() != null).findFirst()
                .orElseThrow(() -> new BadInputException("the backup of tenant " + tenant + " holds no commit LSN (captured before"
                        + " ChangeEvent v5, whose COMMIT events carry them), so --until-lsn " + target + " cannot be decided;"
                        + " give --until <time> or --until-xid <transaction id> instead"));
        if (log.provenLsn() == null || lsn >= log.provenLsn()) {
            throw new BadInputException("--until-lsn " + target + " is not before " + WalLsn.format(log.provenLsn() == null ? 0 : log.provenLsn())
                    + ", the WAL position up to which the backup of tenant " + tenant + " is proven complete (its durable point):"
                    + " a transaction of the tenant still on its way could commit at " + target + "; wait for the durable point to"
                    + " move on (the sinks' next marks; heartbeats move it within seconds) or give an earlier LSN");
        }
        boolean unknownBefore = log.transactions().size() > ordered.size() || ordered.get(0) != firstKnown;
        if (unknownBefore && lsn < firstKnown.previousCommitLsn()) {
            throw new BadInputException("the backup of tenant " + tenant + " holds commit LSNs from " + WalLsn.format(firstKnown.previousCommitLsn())
                    + " on (transaction " + firstKnown.txId() + ", cut time " + RestoreTime.format(firstKnown.cutMicros()) + "); its"
                    + " transactions before were captured before ChangeEvent v5, so --until-lsn " + target + " cannot be decided: give"
                    + " an LSN at or after " + WalLsn.format(firstKnown.previousCommitLsn()) + ", or --until <time> or --until-xid"
                    + " <transaction id>");
        }
        CommittedTransaction last = null;
        for (int i = 0; i < ordered.size(); i++) {
            CommittedTransaction t = ordered.get(i);
            // without its own commit LSN, a transaction's commit record ends at or before the next one's place in commit order
            Long ends = t.commitLsn() != null ? t.commitLsn() : i + 1 < ordered.size() ? ordered.get(i + 1).previousCommitLsn() : null;
            if (ends != null && ends <= lsn) {
                last = t;
            } else if (t.commitStartsFrom() > lsn) {
                break;
            } else {
                throw undecided(tenant, target, t, i > 0 ? ordered.get(i - 1) : null);
            }
        }
        if (last == null) {
            throw new BadInputException("--until-lsn " + target + " is before every transaction of tenant " + tenant + " in its backup"
                    + " (the first, " + ordered.get(0).txId() + ", commits after it): nothing of the tenant to restore to there");
        }
        return TransactionBound.after(log.transactions(), last, "LSN " + target + ": transaction " + last.txId() + " (commit record"
                + (last.commitLsn() != null ? " ends at " + WalLsn.format(last.commitLsn()) : " ends before " + target) + ")");
    }

    private static BadInputException undecided(TenantId tenant, String target, CommittedTransaction t, CommittedTransaction before) {
        String ends = t.commitLsn() != null ? "ends at " + WalLsn.format(t.commitLsn()) + ", after " + target
                : "has no commit LSN in the backup (its COMMIT event is missing: captured before ChangeEvent v5)";
        String exclude = before != null ? ", or --until-xid " + before.txId() + " (the tenant's transaction before it) to leave it out"
                : " (it is the tenant's first transaction in the backup: there is none before it to leave it out)";
        return new BadInputException("cannot decide --until-lsn " + target + " for tenant " + tenant + ": the commit record of"
                + " transaction " + t.txId() + " " + ends + ", and starts at or after " + WalLsn.format(t.commitStartsFrom())
                + ", at or before " + target + "; PostgreSQL's recovery to " + target + " (inclusive) keeps it only if that record"
                + " starts exactly at " + target + ", which the backup does not record. Give --until-xid " + t.txId()
                + " to include it" + exclude);
    }
}

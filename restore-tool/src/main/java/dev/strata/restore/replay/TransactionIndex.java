package dev.strata.restore.replay;

import dev.strata.restore.plan.CommittedTransaction;
import dev.strata.restore.plan.RestorePlan;
import dev.strata.restore.plan.TenantTransactions;
import dev.strata.restore.store.FetchedObject;
import dev.strata.restore.store.ListedSegment;
import dev.strata.restore.store.ManifestIndex;
import dev.strata.restore.store.ObjectFetcher;
import dev.strata.restore.store.RegimeStores;
import dev.strata.restore.store.RegionNotes;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.avro.Op;
import dev.strata.schemas.event.CutTime;
import dev.strata.schemas.segment.ForeignTenantException;
import dev.strata.schemas.segment.SegmentReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The tenant's transactions in its backup, for a restore to a transaction id or an LSN: every
 * segment of a plan to the durable point, from the first (bases hold rows, not transactions),
 * read and verified like any restore read. A transaction's events are all cut at or before the
 * point or none are, so each one found is whole (its COMMIT, with the same cut time, included).
 * Snapshot rows and checkpoints are no transactions of the tenant's data and are skipped;
 * heartbeats only tell how far the backup is complete in the WAL.
 */
final class TransactionIndex {
    private TransactionIndex() {
    }

    /** @param toDurablePoint a plan without a base to the tenant's durable point */
    static TenantTransactions read(RegimeStores stores, RestorePlan toDurablePoint) {
        TenantId tenant = toDurablePoint.tenant();
        RegionNotes notes = new RegionNotes();
        ManifestIndex manifests = toDurablePoint.firstHour()
                .map(first -> ManifestIndex.load(stores, tenant, first, toDurablePoint.lastHour().orElseThrow(), notes))
                .orElse(null);
        ObjectFetcher fetcher = new ObjectFetcher(stores, notes);
        // keyed by commit order, or by transaction id for one captured before commit order was recorded
        Map<String, CommittedTransaction> found = new LinkedHashMap<>();
        Long proven = null;
        for (ListedSegment segment : toDurablePoint.segments()) {
            FetchedObject object = fetcher.fetch(segment.key(), segment.regions(),
                    manifests == null ? Optional.empty() : manifests.entry(segment.key()));
            long index = 0;
            try (SegmentReader reader = SegmentReader.openChecked(object.bytes(), segment.key().value())) {
                while (reader.hasNext()) {
                    ChangeEvent event = reader.next();
                    if (!event.getTenant().equals(tenant.value())) {
                        throw new ForeignTenantException(segment.key().value(), tenant, event.getTenant(), index);
                    }
                    index++;
                    Op op = event.getOp();
                    if (op == Op.READ || op == Op.CHECKPOINT || CutTime.of(event) > toDurablePoint.untilMicros()) {
                        continue;
                    }
                    Long order = event.getPreviousCommitLsn();
                    Long own = op == Op.COMMIT ? event.getCommitLsn() : null;
                    proven = max(max(proven, order), own);
                    if (op != Op.HEARTBEAT) {
                        found.merge(order != null ? "o" + order : "x" + event.getTxId(), seen(event, order, own), TransactionIndex::merge);
                    }
                }
            }
        }
        return new TenantTransactions(new ArrayList<>(found.values()), proven);
    }

    /**
     * What one event tells of its transaction. A change's record starts before the commit record
     * (its LSN + 1 is a bound); a definition's LSN is its logical message's, which may be where that
     * record ends, so the bound stays at it.
     */
    private static CommittedTransaction seen(ChangeEvent event, Long order, Long commitLsn) {
        Long startsFrom = order == null ? null
                : Math.max(order, event.getOp() == Op.COMMIT ? order : event.getOp() == Op.DDL ? event.getLsn() : event.getLsn() + 1);
        return new CommittedTransaction(event.getTxId(), order, CutTime.of(event), commitLsn, startsFrom);
    }

    private static CommittedTransaction merge(CommittedTransaction a, CommittedTransaction b) {
        return new CommittedTransaction(a.txId(), a.previousCommitLsn(), a.cutMicros(), a.commitLsn() != null ? a.commitLsn() : b.commitLsn(),
                max(a.commitStartsFrom(), b.commitStartsFrom()));
    }

    private static Long max(Long a, Long b) {
        return a == null ? b : b == null ? a : Long.valueOf(Math.max(a, b));
    }
}

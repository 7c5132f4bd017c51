package dev.strata.restore.replay;

import dev.strata.restore.plan.CommittedTransaction;
import dev.strata.restore.plan.RestorePlan;
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
 * The tenant's transactions in its backup, for a restore to a transaction id: every
 * segment of a plan to the durable point, from the first (bases hold rows, not transactions),
 * read and verified like any restore read. A transaction's events are all cut at or before the
 * point or none are, so each one found is whole. Snapshot rows, checkpoints and heartbeats are no
 * transactions of the tenant's data and are skipped.
 */
final class TransactionIndex {
    private TransactionIndex() {
    }

    /** @param toDurablePoint a plan without a base to the tenant's durable point */
    static List<CommittedTransaction> read(RegimeStores stores, RestorePlan toDurablePoint) {
        TenantId tenant = toDurablePoint.tenant();
        RegionNotes notes = new RegionNotes();
        ManifestIndex manifests = toDurablePoint.firstHour()
                .map(first -> ManifestIndex.load(stores, tenant, first, toDurablePoint.lastHour().orElseThrow(), notes))
                .orElse(null);
        ObjectFetcher fetcher = new ObjectFetcher(stores, notes);
        // keyed by commit order, or by transaction id for one captured before commit order was recorded
        Map<String, CommittedTransaction> found = new LinkedHashMap<>();
        for (ListedSegment segment : toDurablePoint.segments()) {
            FetchedObject object = fetcher.fetch(segment.key(), segment.regions(),
                    manifests == null ? Optional.empty() : manifests.entry(segment.key()));
            long index = 0;
            try (SegmentReader reader = SegmentReader.open(object.bytes(), object.sha256(), segment.key().value())) {
                while (reader.hasNext()) {
                    ChangeEvent event = reader.next();
                    if (!event.getTenant().equals(tenant.value())) {
                        throw new ForeignTenantException(segment.key().value(), tenant, event.getTenant(), index);
                    }
                    index++;
                    Op op = event.getOp();
                    if (op == Op.READ || op == Op.CHECKPOINT || op == Op.HEARTBEAT || CutTime.of(event) > toDurablePoint.untilMicros()) {
                        continue;
                    }
                    Long order = event.getPreviousCommitLsn();
                    found.putIfAbsent(order != null ? "o" + order : "x" + event.getTxId(),
                            new CommittedTransaction(event.getTxId(), order, CutTime.of(event)));
                }
            }
        }
        return new ArrayList<>(found.values());
    }
}

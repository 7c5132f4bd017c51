package dev.strata.sink.segment;

import dev.strata.schemas.TenantId;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The recovery of one partition: between the committed offset and the horizon (the highest
 * offset an earlier run may have uploaded, kept in the commit metadata), every tenant's segments
 * are listed once, the first time the tenant shows up, and looked up for each of its records.
 */
public final class PartitionRecovery implements RecoveryGuide {
    private final int partition;
    private final long committed;
    private final long horizon;
    private final Duration lookback;
    private final SegmentCatalog catalog;
    private final Map<TenantId, List<KnownSegment>> byTenant = new HashMap<>();

    public PartitionRecovery(int partition, long committed, long horizon, Duration lookback, SegmentCatalog catalog) {
        this.partition = partition;
        this.committed = committed;
        this.horizon = horizon;
        this.lookback = lookback;
        this.catalog = catalog;
    }

    @Override
    public boolean covers(long offset) {
        return offset <= horizon;
    }

    @Override
    public Optional<KnownSegment> segmentHolding(TenantId tenant, long offset, long commitMicros) {
        // Listed from the first re-read record's commit time minus the lookback: a segment is filed
        // under the hour of its earliest commit, which may precede this record's.
        List<KnownSegment> known = byTenant.computeIfAbsent(tenant,
                t -> catalog.overlapping(t, partition, committed, horizon, commitMicros - lookback.toNanos() / 1_000));
        for (KnownSegment segment : known) {
            if (segment.holds(offset)) {
                return Optional.of(segment);
            }
        }
        return Optional.empty();
    }

    int tenantsListed() {
        return byTenant.size();
    }

    @Override
    public String toString() {
        return "PartitionRecovery[p" + partition + ", committed " + committed + ", horizon " + horizon + "]";
    }
}

package dev.strata.sink.segment;

import dev.strata.schemas.TenantId;
import java.util.Optional;

/**
 * What an earlier run of the sink already wrote for a partition, consulted while the records it
 * may have handled are read again after a restart or a rebalance.
 */
public interface RecoveryGuide {

    /** Nothing to recover: a partition whose last owner stopped cleanly, or a first start. */
    RecoveryGuide NONE = new RecoveryGuide() {
        @Override
        public boolean covers(long offset) {
            return false;
        }

        @Override
        public Optional<KnownSegment> segmentHolding(TenantId tenant, long offset, long commitMicros) {
            return Optional.empty();
        }
    };

    /** Whether an earlier run may have put {@code offset} into a segment (it is at or below the horizon). */
    boolean covers(long offset);

    /** The segment of {@code tenant} an earlier run wrote that holds {@code offset}, if any. */
    Optional<KnownSegment> segmentHolding(TenantId tenant, long offset, long commitMicros);
}

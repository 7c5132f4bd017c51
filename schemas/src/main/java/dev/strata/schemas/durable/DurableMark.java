package dev.strata.schemas.durable;

import dev.strata.schemas.TenantId;
import dev.strata.schemas.layout.DurableMarkKey;
import java.util.Objects;

/**
 * A tenant's durable point, as the sink proves it in the store (write-once, in both regions): every
 * change of the tenant committed at or before {@code pointMicros} is durable in both regions of
 * {@code regime}. Written last in the sink's ordering chain (segments durable in both regions, then
 * the Kafka offset committed, then the watermark and this mark), so a mark found in ONE region
 * proves the data is in both. A restore reads it when Kafka may be gone.
 *
 * @param lsn the LSN of the change at {@code pointMicros}: the position in the source database
 * @param partition the routed topic's partition, with {@code committedOffset}: every record of it below that offset is durable
 * @param writtenAtMicros when the sink wrote the mark (its clock): how far the proof lags the data
 */
public record DurableMark(TenantId tenant, String regime, long pointMicros, long lsn, int partition, long committedOffset,
                          long writtenAtMicros) {

    public DurableMark {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(regime, "regime");
    }

    /** Where this mark is stored: named by its point, partition and committed offset. */
    public DurableMarkKey key() {
        return new DurableMarkKey(tenant, pointMicros, partition, committedOffset);
    }
}

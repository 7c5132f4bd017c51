package dev.strata.schemas.layout;

import dev.strata.schemas.TenantId;
import dev.strata.schemas.UtcHour;
import java.util.Objects;

/**
 * Names one durable mark of a tenant: the sink's proof, written after the Kafka offset commit, that
 * every change of the tenant committed at or before {@code pointMicros} is in both regions. The
 * point comes first in the file name, so a LIST of a tenant's marks is in point order; the
 * partition and the committed offset make the name deterministic from Kafka positions, as segment
 * names are, so two marks of one point (a restart, a rebalance) never share a key.
 */
public record DurableMarkKey(TenantId tenant, long pointMicros, int partition, long committedOffset) implements LayoutKey {

    public DurableMarkKey {
        Objects.requireNonNull(tenant, "tenant");
        KeyTime.checkRange("durable point", pointMicros);
        if (partition < 0) {
            throw new IllegalArgumentException("durable mark of tenant " + tenant + ": partition " + partition + " is negative");
        }
        if (committedOffset < 0) {
            throw new IllegalArgumentException("durable mark of tenant " + tenant + ": committed offset " + committedOffset
                    + " is negative");
        }
    }

    /** The hour whose directory holds this mark: the hour of its point. */
    public UtcHour hour() {
        return UtcHour.containing(pointMicros);
    }
}

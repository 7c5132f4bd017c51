package dev.strata.schemas.layout;

import dev.strata.schemas.TenantId;
import dev.strata.schemas.UtcHour;
import java.util.Comparator;
import java.util.Objects;

/**
 * Names one log segment: the tenant's events of one Kafka partition between two offsets. Derived
 * from offsets alone, so a retried upload of the same records lands on the same key.
 *
 * <p>{@code minCommitMicros} and {@code maxCommitMicros} are the events' CUT times (see
 * {@code CutTime}; the commit time for events older than cut times): a restore to T needs every
 * segment holding a transaction with cut time <= T, and a base folded at cut C holds every
 * transaction with cut time <= C, so both must be read in the same time. Commit times alone are not
 * monotonic in WAL order, and an inverted transaction would fall between a base and the segments
 * selected after it.
 */
public record SegmentKey(TenantId tenant, long minCommitMicros, long maxCommitMicros, int partition,
                         long firstOffset, long lastOffset) implements LayoutKey {

    /**
     * The order of segment keys in a listing: the file name holds exactly these fields, fixed width,
     * in this order. Whenever minimum commit times differ this is time order.
     */
    public static final Comparator<SegmentKey> KEY_ORDER = Comparator.comparing(SegmentKey::tenant)
            .thenComparingLong(SegmentKey::minCommitMicros)
            .thenComparingLong(SegmentKey::maxCommitMicros)
            .thenComparingInt(SegmentKey::partition)
            .thenComparingLong(SegmentKey::firstOffset)
            .thenComparingLong(SegmentKey::lastOffset);

    public SegmentKey {
        Objects.requireNonNull(tenant, "tenant");
        KeyTime.checkRange("minCommitMicros", minCommitMicros);
        KeyTime.checkRange("maxCommitMicros", maxCommitMicros);
        if (maxCommitMicros < minCommitMicros) {
            throw new IllegalArgumentException("segment of tenant " + tenant + ": maxCommitMicros " + maxCommitMicros
                    + " is before minCommitMicros " + minCommitMicros);
        }
        if (partition < 0) {
            throw new IllegalArgumentException("segment of tenant " + tenant + ": partition " + partition + " is negative");
        }
        if (firstOffset < 0 || lastOffset < firstOffset) {
            throw new IllegalArgumentException("segment of tenant " + tenant + ": offsets " + firstOffset + ".." + lastOffset
                    + " are not a range of Kafka offsets (need 0 <= first <= last)");
        }
    }

    /** The hour whose log directory holds this segment: the hour of its first commit. */
    public UtcHour hour() {
        return UtcHour.containing(minCommitMicros);
    }
}

package dev.strata.schemas.layout;

import dev.strata.schemas.TenantId;
import java.util.Objects;

/**
 * Names a late notice: a log segment that reached both regions at {@code arrivalMicros} (the sink's
 * clock) although its changes are older than what bases may already have folded. Notices sort by
 * arrival, so a reader lists only those that arrived after a point it knows (a base's
 * {@code lateNoticesFrom}), never the whole log.
 */
public record LateNoticeKey(TenantId tenant, long arrivalMicros, SegmentKey segment) implements LayoutKey {

    public LateNoticeKey {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(segment, "segment");
        KeyTime.checkRange("arrivalMicros", arrivalMicros);
        if (!segment.tenant().equals(tenant)) {
            throw new IllegalArgumentException("a late notice of tenant " + tenant + " cannot name a segment of tenant " + segment.tenant());
        }
    }
}

package dev.strata.sink;

import dev.strata.sink.segment.ClosedSegment;
import dev.strata.sink.segment.EventView;
import dev.strata.sink.segment.OpenSegment;
import dev.strata.sink.segment.RotationReason;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.TestEvents;
import java.time.Instant;
import java.util.Optional;

/** Closed segments for unit tests, cut the way the sink cuts them. */
public final class Segments {
    private Segments() {
    }

    /** A segment of {@code tenant} in partition 0 holding offsets {@code first..last}, commit times from {@code commitMicros}. */
    public static ClosedSegment of(String tenant, long first, long last, long commitMicros) {
        OpenSegment open = new OpenSegment(TenantId.of(tenant), 0, 1, Instant.EPOCH, SinkParts.ZSTD_LEVEL, Optional.empty());
        for (long offset = first; offset <= last; offset++) {
            open.append(offset, EventView.of(TestEvents.update(tenant, 10_000 + offset, commitMicros + (offset - first))));
        }
        return open.close(RotationReason.AGE, Instant.EPOCH);
    }
}

package dev.strata.restore.store;

import dev.strata.schemas.TenantId;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.InvalidObjectKeyException;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.layout.SegmentKey;
import dev.strata.schemas.store.ObjectStore;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * How far one region holds a tenant's log: the latest commit time of its newest segment. Segment
 * keys sort by first commit time, so the newest key is narrowed down to one minute by a
 * {@link NewestKeySearch} from where it is expected, then the segments that began in the minute before are listed too:
 * another partition's segment may begin a little earlier and end later. Not proof that anything is
 * in both regions: that is the durable point ({@link DurablePoint}).
 */
public final class NewestSegmentFinder {
    /** Segments of other partitions that begin this much before the newest one are read too. */
    static final long OVERLAP_MICROS = Duration.ofMinutes(1).toNanos() / 1000;

    private NewestSegmentFinder() {
    }

    /**
     * @param expectedMicros where the newest segment is expected to begin (the watermark, or now): a
     *                       close guess costs a few requests, a wrong one a few more, never the answer
     * @return the greatest maximum commit time of the tenant's segments in {@code store}; empty when it holds none
     */
    public static Optional<Long> durableUntilMicros(ObjectStore store, TenantId tenant, long expectedMicros) {
        NewestKeySearch<SegmentKey> search = new NewestKeySearch<>(BackupLayout.logPrefix(tenant),
                from -> BackupLayout.logStartAfter(tenant, from), NewestSegmentFinder::segment, SegmentKey::minCommitMicros);
        Optional<Long> newest = search.newestWithin(store, expectedMicros, OVERLAP_MICROS);
        if (newest.isEmpty()) {
            return Optional.empty();
        }
        try (Stream<SegmentKey> last = search.from(store, newest.get() - OVERLAP_MICROS)) {
            return last.map(SegmentKey::maxCommitMicros).max(Long::compare);
        }
    }

    private static Optional<SegmentKey> segment(ObjectKey key) {
        try {
            return Optional.of(BackupLayout.parseSegment(key));
        } catch (InvalidObjectKeyException e) {
            return Optional.empty();
        }
    }
}

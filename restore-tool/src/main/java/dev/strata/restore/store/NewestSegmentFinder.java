package dev.strata.restore.store;

import dev.strata.schemas.TenantId;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.InvalidObjectKeyException;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.layout.SegmentKey;
import dev.strata.schemas.store.ListPage;
import dev.strata.schemas.store.ListedObject;
import dev.strata.schemas.store.ObjectStore;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * How far one region holds a tenant's log: the latest commit time of its newest segment. Segment
 * keys sort by first commit time and S3 lists only forwards, so the newest key is narrowed down to
 * one minute by a binary search over start-after markers, one single-key LIST per step (about 30 at
 * most, whatever the log's length), then the segments that began in the minute before are listed
 * too: another partition's segment may begin a little earlier and end later.
 */
public final class NewestSegmentFinder {
    /** Segments of other partitions that begin this much before the newest one are read too. */
    static final long OVERLAP_MICROS = Duration.ofMinutes(1).toNanos() / 1000;
    /** The latest time a segment key can hold (KeyTime's year 9999). */
    private static final long LAST_MICROS = 253_402_300_799_999_999L;

    private NewestSegmentFinder() {
    }

    /**
     * @param hintMicros a time the region is expected to hold segments from (the watermark): only
     *                   shortens the search, a wrong hint costs one request
     * @return the greatest maximum commit time of the tenant's segments in {@code store}; empty when it holds none
     */
    public static Optional<Long> durableUntilMicros(ObjectStore store, TenantId tenant, Optional<Long> hintMicros) {
        Optional<SegmentKey> first = hintMicros.flatMap(h -> firstFrom(store, tenant, h - OVERLAP_MICROS));
        if (first.isEmpty()) {
            first = firstFrom(store, tenant, 0);
        }
        if (first.isEmpty()) {
            return Optional.empty();
        }
        long lo = first.get().minCommitMicros(); // a segment begins at lo
        long hi = LAST_MICROS; // none begins at or after hi
        while (hi - lo > OVERLAP_MICROS) {
            long mid = lo + (hi - lo) / 2;
            Optional<SegmentKey> found = firstFrom(store, tenant, mid);
            if (found.isPresent()) {
                lo = found.get().minCommitMicros();
            } else {
                hi = mid;
            }
        }
        return maxCommitFrom(store, tenant, lo - OVERLAP_MICROS);
    }

    private static Optional<SegmentKey> firstFrom(ObjectStore store, TenantId tenant, long fromMicros) {
        Optional<ObjectKey> next = startAfter(tenant, fromMicros);
        while (true) {
            ListPage page = store.list(BackupLayout.logPrefix(tenant), next, 1);
            if (page.objects().isEmpty()) {
                return Optional.empty();
            }
            ListedObject object = page.objects().get(0);
            Optional<SegmentKey> segment = segment(object);
            if (segment.isPresent()) {
                return segment;
            }
            next = Optional.of(object.key()); // a stray key: step over it
        }
    }

    private static Optional<Long> maxCommitFrom(ObjectStore store, TenantId tenant, long fromMicros) {
        try (Stream<ListedObject> listed = store.listAll(BackupLayout.logPrefix(tenant), startAfter(tenant, fromMicros))) {
            return listed.map(NewestSegmentFinder::segment).flatMap(Optional::stream)
                    .map(SegmentKey::maxCommitMicros).max(Long::compare);
        }
    }

    /** Before the first key when {@code fromMicros} precedes the epoch (key times cannot). */
    private static Optional<ObjectKey> startAfter(TenantId tenant, long fromMicros) {
        return fromMicros <= 0 ? Optional.empty() : Optional.of(BackupLayout.logStartAfter(tenant, fromMicros));
    }

    private static Optional<SegmentKey> segment(ListedObject object) {
        try {
            return Optional.of(BackupLayout.parseSegment(object.key()));
        } catch (InvalidObjectKeyException e) {
            return Optional.empty();
        }
    }
}

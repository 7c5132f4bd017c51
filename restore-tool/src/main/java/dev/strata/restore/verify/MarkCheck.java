package dev.strata.restore.verify;

import dev.strata.restore.plan.RestoreTime;
import dev.strata.restore.store.Region;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.durable.DurableMark;
import dev.strata.schemas.durable.DurableMarkCodec;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.DurableMarkKey;
import dev.strata.schemas.layout.InvalidObjectKeyException;
import dev.strata.schemas.layout.LayoutKey;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.layout.SegmentKey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What {@code verify} checks of a tenant's durable marks, from the listing it already has plus each
 * mark's small body, never by reading segments again:
 *
 * <ul>
 *   <li>the body names the tenant, the point, partition and offset its name gives (else it was
 *       planted with the writer key, or misfiled);</li>
 *   <li>the point is covered: a mark says every record of its partition below its committed offset
 *       is in both regions, so the segments both regions hold of that partition, beginning below the
 *       offset, must reach its point (the sink's point is the latest commit among exactly those);</li>
 *   <li>no segment of that partition ending below the newest mark's offset is in one region only.</li>
 * </ul>
 *
 * Per partition the segments held in both regions are sorted by first offset with a running
 * maximum of their last commit, so each mark costs one binary search.
 */
final class MarkCheck {
    private final TenantId tenant;
    private final Map<Integer, Coverage> partitions = new HashMap<>();
    private final Map<Integer, List<SegmentKey>> inOneRegion = new HashMap<>();
    /** Problems already returned: each copy of a mark is checked, each problem said once. */
    private final Set<String> said = ConcurrentHashMap.newKeySet();

    /** @param holders every key of the tenant's prefix and the regions that list it */
    MarkCheck(TenantId tenant, Map<ObjectKey, Set<Region>> holders) {
        this.tenant = tenant;
        Map<Integer, List<SegmentKey>> inBoth = new HashMap<>();
        holders.forEach((key, regions) -> segment(key).ifPresent(s ->
                (regions.size() == Region.values().length ? inBoth : inOneRegion).computeIfAbsent(s.partition(), p -> new ArrayList<>()).add(s)));
        inBoth.forEach((partition, segments) -> partitions.put(partition, new Coverage(segments)));
    }

    static boolean isMark(ObjectKey key) {
        try {
            return BackupLayout.parse(key) instanceof DurableMarkKey;
        } catch (InvalidObjectKeyException e) {
            return false;
        }
    }

    /** The problems of the mark stored under {@code key} with {@code bytes} not said before; none when it is one the sink wrote, and true. */
    List<String> problems(ObjectKey key, byte[] bytes) {
        return check(key, bytes).stream().filter(said::add).toList();
    }

    private List<String> check(ObjectKey key, byte[] bytes) {
        DurableMarkKey named = BackupLayout.parseMark(key);
        DurableMark mark;
        try {
            mark = DurableMarkCodec.decode(bytes);
        } catch (IllegalArgumentException e) {
            return List.of("durable mark " + key + " is not one the sink wrote: " + e.getMessage());
        }
        if (!mark.tenant().equals(tenant) || !mark.key().equals(named)) {
            return List.of("durable mark " + key + " is filed under tenant " + tenant + " but its body names tenant '" + mark.tenant()
                    + "' at " + RestoreTime.format(mark.pointMicros()) + ", partition " + mark.partition() + ", offset "
                    + mark.committedOffset() + ": it was planted with the writer key or misfiled; a restore refuses it as the"
                    + " newest mark, rotate the regime's writer key");
        }
        List<String> problems = new ArrayList<>();
        Optional<Long> reached = Optional.ofNullable(partitions.get(named.partition())).flatMap(c -> c.reachedBelow(named.committedOffset()));
        if (reached.isEmpty() || reached.get() < named.pointMicros()) {
            problems.add("durable mark " + key + " says every change up to " + RestoreTime.format(named.pointMicros())
                    + " is in both regions, but the segments both regions hold of partition " + named.partition() + " below offset "
                    + named.committedOffset() + " end " + reached.map(r -> "at " + RestoreTime.format(r)).orElse("nowhere (there are none)")
                    + ": a restore to its point would miss changes");
        }
        for (SegmentKey s : inOneRegion.getOrDefault(named.partition(), List.of())) {
            if (s.lastOffset() < named.committedOffset()) {
                problems.add("durable mark " + key + " says every record of partition " + named.partition() + " below offset "
                        + named.committedOffset() + " is in both regions, but segment " + BackupLayout.segment(s) + " is in one region only");
            }
        }
        return problems;
    }

    private static Optional<SegmentKey> segment(ObjectKey key) {
        try {
            LayoutKey parsed = BackupLayout.parse(key);
            return parsed instanceof SegmentKey s ? Optional.of(s) : Optional.empty();
        } catch (InvalidObjectKeyException e) {
            return Optional.empty();
        }
    }

    /** One partition's segments held in both regions, by first offset, with the latest commit any of the first n reaches. */
    private static final class Coverage {
        private final long[] firstOffsets;
        private final long[] reached;

        Coverage(List<SegmentKey> segments) {
            List<SegmentKey> sorted = segments.stream().sorted(Comparator.comparingLong(SegmentKey::firstOffset)).toList();
            firstOffsets = new long[sorted.size()];
            reached = new long[sorted.size()];
            long max = Long.MIN_VALUE;
            for (int i = 0; i < sorted.size(); i++) {
                firstOffsets[i] = sorted.get(i).firstOffset();
                max = Math.max(max, sorted.get(i).maxCommitMicros());
                reached[i] = max;
            }
        }

        /** The latest commit of the segments that begin below {@code offset}. */
        Optional<Long> reachedBelow(long offset) {
            int lo = 0;
            int hi = firstOffsets.length; // count of segments beginning below offset
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (firstOffsets[mid] < offset) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo == 0 ? Optional.empty() : Optional.of(reached[lo - 1]);
        }
    }
}

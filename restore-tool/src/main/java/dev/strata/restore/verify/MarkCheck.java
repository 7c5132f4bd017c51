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
 *   <li>what the mark claims is there: it says every record of its partition below its committed
 *       offset is in both regions, so no segment of that partition beginning below the offset may
 *       be in one region only (the sink holds a segment's first offset until both regions have it).</li>
 * </ul>
 *
 * The point itself is not compared with the segments' commit times: heartbeats advance an idle
 * tenant's point past its last segment with nothing stored behind it, so the store cannot show a
 * point too far; it can show a claim about offsets that does not hold, which is what a restore to
 * the point relies on.
 */
final class MarkCheck {
    private final TenantId tenant;
    private final Map<Integer, List<SegmentKey>> inOneRegion = new HashMap<>();
    /** Problems already returned: each copy of a mark is checked, each problem said once. */
    private final Set<String> said = ConcurrentHashMap.newKeySet();

    /** @param holders every key of the tenant's prefix and the regions that list it */
    MarkCheck(TenantId tenant, Map<ObjectKey, Set<Region>> holders) {
        this.tenant = tenant;
        holders.forEach((key, regions) -> segment(key).filter(s -> regions.size() < Region.values().length)
                .ifPresent(s -> inOneRegion.computeIfAbsent(s.partition(), p -> new ArrayList<>()).add(s)));
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
        for (SegmentKey s : inOneRegion.getOrDefault(named.partition(), List.of())) {
            if (s.firstOffset() < named.committedOffset()) {
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
}

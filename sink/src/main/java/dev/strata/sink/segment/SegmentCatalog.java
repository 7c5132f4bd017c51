package dev.strata.sink.segment;

import dev.strata.schemas.TenantId;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.InvalidObjectKeyException;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.layout.SegmentKey;
import dev.strata.schemas.store.ListedObject;
import dev.strata.schemas.store.ObjectStore;
import dev.strata.schemas.store.StoreException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists, in both regions, the segments of one tenant and partition that overlap an offset range:
 * how a restarted sink learns what an earlier run wrote. The writer credential may LIST (latest
 * versions), which is all this needs: only the keys matter, not the bytes.
 *
 * <p>A region that cannot be listed counts as holding nothing. That is safe: a segment then looks
 * like it is in one region only and is re-cut with the same bytes, and putIfAbsent finds the copy
 * that is already there.
 */
public final class SegmentCatalog {
    private static final Logger LOG = LoggerFactory.getLogger(SegmentCatalog.class);

    private final ObjectStore primary;
    private final ObjectStore backup;

    public SegmentCatalog(ObjectStore primary, ObjectStore backup) {
        this.primary = primary;
        this.backup = backup;
    }

    /** Segments of {@code tenant} in {@code partition} whose offsets overlap {@code [from, to]}, first offset first. */
    List<KnownSegment> overlapping(TenantId tenant, int partition, long from, long to, long sinceCommitMicros) {
        ObjectKey startAfter = BackupLayout.logStartAfter(tenant, Math.max(0, sinceCommitMicros));
        Map<SegmentKey, KnownSegment> found = new LinkedHashMap<>();
        for (SegmentKey key : list(primary, tenant, startAfter, partition, from, to)) {
            found.merge(key, new KnownSegment(key, true, false), (a, b) -> a.alsoIn(true, false));
        }
        for (SegmentKey key : list(backup, tenant, startAfter, partition, from, to)) {
            found.merge(key, new KnownSegment(key, false, true), (a, b) -> a.alsoIn(false, true));
        }
        List<KnownSegment> sorted = new ArrayList<>(found.values());
        sorted.sort((a, b) -> Long.compare(a.key().firstOffset(), b.key().firstOffset()));
        return sorted;
    }

    private static List<SegmentKey> list(ObjectStore store, TenantId tenant, ObjectKey startAfter, int partition, long from, long to) {
        List<SegmentKey> keys = new ArrayList<>();
        try {
            store.listAll(BackupLayout.logPrefix(tenant), Optional.of(startAfter)).map(ListedObject::key).forEach(key -> {
                Optional<SegmentKey> segment = parse(key);
                segment.filter(s -> s.partition() == partition && s.lastOffset() >= from && s.firstOffset() <= to).ifPresent(keys::add);
            });
        } catch (StoreException e) {
            LOG.warn("recovery: cannot list the segments of tenant {} in {} ({}); treating that region as holding none of them,"
                    + " which at worst re-uploads identical objects", tenant, store.describe(), e.getMessage());
        }
        return keys;
    }

    private static Optional<SegmentKey> parse(ObjectKey key) {
        try {
            return Optional.of(BackupLayout.parseSegment(key));
        } catch (InvalidObjectKeyException e) {
            LOG.warn("recovery: ignoring {} under a log prefix: {}", key, e.getMessage());
            return Optional.empty();
        }
    }
}

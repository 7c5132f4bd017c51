package dev.strata.sink.segment;

import dev.strata.schemas.TenantId;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.InvalidObjectKeyException;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.layout.SegmentKey;
import dev.strata.schemas.manifest.ManifestEntry;
import dev.strata.schemas.store.ListedObject;
import dev.strata.schemas.store.ObjectInfo;
import dev.strata.schemas.store.ObjectStore;
import dev.strata.schemas.store.failure.StoreException;
import dev.strata.sink.SinkFailedException;
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
 * <p>A region that cannot be listed counts as holding nothing, as long as the other one can be
 * listed. A segment the listed region holds then looks like it is in one region only and is re-cut
 * at its boundaries, with the same bytes, and putIfAbsent finds the copy the other region may hold.
 * A segment an earlier run left in the unlisted region alone stays unseen, and this run's segments
 * may overlap it (a restore dedupes events by id).
 *
 * <p>If neither region can be listed, nothing the earlier run wrote is seen: this run would cut all
 * of it again at its own boundaries, overlapping the earlier segments in both regions. The sink
 * stops instead ({@link SinkFailedException}), naming both failures.
 */
public final class SegmentCatalog {
    private static final Logger LOG = LoggerFactory.getLogger(SegmentCatalog.class);

    /** One region's matching keys, or why it could not be listed (then no keys). */
    private record Listing(ObjectStore store, List<SegmentKey> keys, Optional<StoreException> failure) {
    }

    private final ObjectStore primary;
    private final ObjectStore backup;

    public SegmentCatalog(ObjectStore primary, ObjectStore backup) {
        this.primary = primary;
        this.backup = backup;
    }

    /**
     * Segments of {@code tenant} in {@code partition} whose offsets overlap {@code [from, to]}, first offset first.
     *
     * @throws SinkFailedException if neither region can be listed
     */
    public List<KnownSegment> overlapping(TenantId tenant, int partition, long from, long to, long sinceCommitMicros) {
        ObjectKey startAfter = BackupLayout.logStartAfter(tenant, Math.max(0, sinceCommitMicros));
        Listing inPrimary = list(primary, tenant, startAfter, partition, from, to);
        Listing inBackup = list(backup, tenant, startAfter, partition, from, to);
        if (inPrimary.failure().isPresent() && inBackup.failure().isPresent()) {
            throw bothFailed(tenant, partition, from, to, inPrimary.failure().get(), inBackup.failure().get());
        }
        for (Listing failed : List.of(inPrimary, inBackup)) {
            failed.failure().ifPresent(e -> LOG.warn("recovery: cannot list the segments of tenant {} in {} ({}); treating that"
                    + " region as holding none of them: what the other region holds is re-cut to the same bytes, but a segment"
                    + " only this region holds may be overlapped by new ones", tenant, failed.store().describe(), e.getMessage()));
        }
        Map<SegmentKey, KnownSegment> found = new LinkedHashMap<>();
        for (SegmentKey key : inPrimary.keys()) {
            found.merge(key, new KnownSegment(key, true, false), (a, b) -> a.alsoIn(true, false));
        }
        for (SegmentKey key : inBackup.keys()) {
            found.merge(key, new KnownSegment(key, false, true), (a, b) -> a.alsoIn(false, true));
        }
        List<KnownSegment> sorted = new ArrayList<>(found.values());
        sorted.sort((a, b) -> Long.compare(a.key().firstOffset(), b.key().firstOffset()));
        return sorted;
    }

    private SinkFailedException bothFailed(TenantId tenant, int partition, long from, long to, StoreException inPrimary,
                                           StoreException inBackup) {
        SinkFailedException e = new SinkFailedException("cannot recover partition " + partition + ": the segments of tenant "
                + tenant + " cannot be listed in either region (" + primary.describe() + ": " + inPrimary.getMessage() + "; "
                + backup.describe() + ": " + inBackup.getMessage() + "); without a listing, offsets " + from + ".." + to
                + " would be cut again over what an earlier run stored. Make at least one region listable (the endpoint up,"
                + " s3:ListBucket for the writer key), then restart the sink", inPrimary);
        e.addSuppressed(inBackup);
        return e;
    }

    private static Listing list(ObjectStore store, TenantId tenant, ObjectKey startAfter, int partition, long from, long to) {
        List<SegmentKey> keys = new ArrayList<>();
        try {
            store.listAll(BackupLayout.logPrefix(tenant), Optional.of(startAfter)).map(ListedObject::key).forEach(key -> {
                Optional<SegmentKey> segment = parse(key);
                segment.filter(s -> s.partition() == partition && s.lastOffset() >= from && s.firstOffset() <= to).ifPresent(keys::add);
            });
        } catch (StoreException e) {
            return new Listing(store, List.of(), Optional.of(e));
        }
        return new Listing(store, keys, Optional.empty());
    }

    private static Optional<SegmentKey> parse(ObjectKey key) {
        try {
            return Optional.of(BackupLayout.parseSegment(key));
        } catch (InvalidObjectKeyException e) {
            LOG.warn("recovery: ignoring {} under a log prefix: {}", key, e.getMessage());
            return Optional.empty();
        }
    }

    /** The size and SHA-256 both regions declare for a segment an earlier run stored, if they agree on both. */
    public Optional<ManifestEntry> entryFromHeads(ObjectKey key) {
        Optional<ObjectInfo> p = primary.head(key);
        Optional<ObjectInfo> b = backup.head(key);
        if (p.isEmpty() || b.isEmpty() || p.get().declaredSha256().isEmpty() || !p.get().declaredSha256().equals(b.get().declaredSha256())
                || p.get().size() != b.get().size()) {
            return Optional.empty();
        }
        return Optional.of(new ManifestEntry(key, p.get().size(), p.get().declaredSha256().get()));
    }
}

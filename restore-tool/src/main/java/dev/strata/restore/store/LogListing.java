package dev.strata.restore.store;

import dev.strata.schemas.TenantId;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.InvalidObjectKeyException;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.layout.SegmentKey;
import dev.strata.schemas.store.ListedObject;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A tenant's log segments as the two regions list them, merged by key. Keys sort by first commit
 * time, so a listing stops at the first key that begins after the restore point: that key proves
 * the log goes on beyond it, without listing the rest.
 *
 * @param nextBeyondMicros the first commit time of the first segment that begins after {@code stopAfterMicros}, if any
 * @param fromStart whether the listing started at the tenant's first segment
 */
public record LogListing(List<ListedSegment> segments, Optional<Long> nextBeyondMicros, boolean fromStart) {

    public LogListing {
        segments = List.copyOf(segments);
        Objects.requireNonNull(nextBeyondMicros, "nextBeyondMicros");
    }

    /** Whether the log goes on after the point the listing stopped at. */
    public boolean moreBeyond() {
        return nextBeyondMicros.isPresent();
    }

    /**
     * This listing as a listing stopped after {@code stopAfterMicros} would have been: keys sort by
     * first commit time, so a region's listing stops at its first segment that begins after it.
     */
    public LogListing upTo(long stopAfterMicros) {
        List<ListedSegment> kept = new ArrayList<>();
        Optional<Long> beyond = nextBeyondMicros;
        for (ListedSegment segment : segments) {
            if (segment.minCommitMicros() <= stopAfterMicros) {
                kept.add(segment);
            } else if (beyond.isEmpty() || segment.minCommitMicros() < beyond.get()) {
                beyond = Optional.of(segment.minCommitMicros());
            }
        }
        return new LogListing(kept, beyond, fromStart);
    }

    /**
     * @param startAfter where to start (empty: the tenant's first segment)
     * @param stopAfterMicros stop at the first segment whose minimum commit time is later than this
     */
    public static LogListing list(RegimeStores stores, TenantId tenant, Optional<ObjectKey> startAfter, long stopAfterMicros,
                                  RegionNotes notes) {
        Map<ObjectKey, Merged> merged = new TreeMap<>();
        StoreFailures failures = new StoreFailures();
        Optional<Long> beyond = Optional.empty();
        for (EachRegion.Outcome<RegionListing> listed : EachRegion.call(stores, region -> listRegion(region, tenant, startAfter,
                stopAfterMicros, notes))) {
            if (listed.failed()) {
                failures.add(listed.region(), listed.failure());
                notes.note("could not list " + listed.region().describe() + ": " + listed.failure().getMessage() + "; used the other region's listing");
                continue;
            }
            listed.value().segments().forEach((object, segment) -> merged.computeIfAbsent(object.key(), k -> new Merged(segment, object.size()))
                    .regions.add(listed.region().region()));
            Optional<Long> next = listed.value().nextBeyondMicros();
            if (next.isPresent() && (beyond.isEmpty() || next.get() < beyond.get())) {
                beyond = next;
            }
        }
        if (failures.reasons().size() == stores.regions().size()) {
            throw failures.noRegionAnswered("list the log of tenant " + tenant);
        }
        List<ListedSegment> segments = new ArrayList<>();
        merged.forEach((key, m) -> segments.add(new ListedSegment(key, m.segment, m.size, m.regions)));
        return new LogListing(segments, beyond, startAfter.isEmpty());
    }

    /** One region's segments up to the stop, in key order, and the first commit time of the first one beyond it. */
    private record RegionListing(Map<ListedObject, SegmentKey> segments, Optional<Long> nextBeyondMicros) {
    }

    private static RegionListing listRegion(RegionStore region, TenantId tenant, Optional<ObjectKey> startAfter, long stopAfterMicros,
                                            RegionNotes notes) {
        Map<ListedObject, SegmentKey> segments = new LinkedHashMap<>();
        try (Stream<ListedObject> listed = region.store().listAll(BackupLayout.logPrefix(tenant), startAfter)) {
            for (Iterator<ListedObject> it = listed.iterator(); it.hasNext(); ) {
                ListedObject object = it.next();
                SegmentKey segment;
                try {
                    segment = BackupLayout.parseSegment(object.key());
                } catch (InvalidObjectKeyException e) {
                    notes.note("ignored a stray object in " + region.describe() + ": " + e.getMessage());
                    continue;
                }
                if (segment.minCommitMicros() > stopAfterMicros) {
                    return new RegionListing(segments, Optional.of(segment.minCommitMicros()));
                }
                segments.put(object, segment);
            }
        }
        return new RegionListing(segments, Optional.empty());
    }

    private static final class Merged {
        final SegmentKey segment;
        final long size;
        final Set<Region> regions = EnumSet.noneOf(Region.class);

        Merged(SegmentKey segment, long size) {
            this.segment = segment;
            this.size = size;
        }
    }
}

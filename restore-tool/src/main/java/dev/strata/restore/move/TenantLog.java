package dev.strata.restore.move;

import dev.strata.restore.VerificationFailedException;
import dev.strata.restore.store.FetchedObject;
import dev.strata.restore.store.ListedSegment;
import dev.strata.restore.store.LogListing;
import dev.strata.restore.store.ManifestIndex;
import dev.strata.restore.store.ObjectFetcher;
import dev.strata.restore.store.RegimeStores;
import dev.strata.restore.store.RegionNotes;
import dev.strata.restore.store.RegionStore;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.UtcHour;
import dev.strata.schemas.layout.BaseCut;
import dev.strata.schemas.layout.InvalidObjectKeyException;
import dev.strata.schemas.manifest.Manifest;
import dev.strata.schemas.manifest.ManifestCodec;
import dev.strata.schemas.segment.ForeignTenantException;
import dev.strata.schemas.segment.SegmentReader;
import dev.strata.schemas.segment.SegmentTenants;
import dev.strata.schemas.store.ListedObject;
import dev.strata.schemas.store.StoredObject;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * A tenant's whole log in one regime, segment by segment in key (time) order, each one checked as every restore checks
 * it: against the manifest that vouches for it (or the writer's declared checksum in an hour not sealed yet), opened with
 * the regime's keys, and refused if it holds another tenant's events.
 */
final class TenantLog {
    private final RegimeStores stores;
    private final TenantId tenant;
    private final RegionNotes notes = new RegionNotes();

    TenantLog(RegimeStores stores, TenantId tenant) {
        this.stores = stores;
        this.tenant = tenant;
    }

    /** What a read saw: the segments it read (their keys), their changes and bytes. */
    record Read(Set<ObjectKey> segments, long events, long bytes) {
    }

    Read forEach(Consumer<ChangeEvent> each) {
        return forEach(Set.of(), each);
    }

    /** As {@link #forEach(Consumer)}, passing over the segments in {@code done} (read by an earlier round). */
    Read forEach(Set<ObjectKey> done, Consumer<ChangeEvent> each) {
        List<ListedSegment> segments = LogListing.list(stores, tenant, Optional.empty(), Long.MAX_VALUE, notes).segments().stream()
                .filter(s -> !done.contains(s.key())).toList();
        if (segments.isEmpty()) {
            return new Read(Set.of(), 0, 0);
        }
        ManifestIndex manifests = ManifestIndex.load(stores, tenant,
                segments.stream().map(s -> s.segment().hour()).min(Comparator.naturalOrder()).orElseThrow(),
                segments.stream().map(s -> s.segment().hour()).max(Comparator.naturalOrder()).orElseThrow(), notes);
        ObjectFetcher fetcher = new ObjectFetcher(stores, notes);
        long events = 0;
        long bytes = 0;
        for (ListedSegment segment : segments) {
            FetchedObject object = fetcher.fetch(segment.key(), segment.regions(), manifests.entry(segment.key()));
            String source = object.key().value();
            try {
                SegmentTenants.requireTenant(object.bytes(), tenant, source);
            } catch (ForeignTenantException e) {
                throw new VerificationFailedException(e.getMessage(), e);
            }
            for (ChangeEvent event : SegmentReader.readAllChecked(object.bytes(), source)) {
                each.accept(event);
                events++;
            }
            bytes += segment.size();
        }
        return new Read(segments.stream().map(ListedSegment::key).collect(Collectors.toSet()), events, bytes);
    }

    /**
     * Where the kept manifests start, when retention cut the start of the log: the tenant's first manifest still links to
     * one before it, expired. Then a restore starts from a base, which the log alone does not replace.
     */
    Optional<UtcHour> expiredBefore() {
        for (RegionStore region : stores.regions()) {
            Optional<ListedObject> first = region.store().list(BackupLayout.manifestsPrefix(tenant), Optional.empty(), 1).objects().stream()
                    .findFirst();
            if (first.isPresent()) {
                ObjectKey key = first.get().key();
                Optional<StoredObject> stored = region.store().get(key);
                if (stored.isPresent()) {
                    Manifest manifest = ManifestCodec.decode(stored.get().bytes());
                    return manifest.previous().isPresent() ? Optional.of(manifest.hour()) : Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The oldest of {@code oldestFirst} after whose cut the kept log is whole: the kept manifests begin at least one segment
     * span before its cut (so they name every segment that may hold a change after it), and every segment they name that
     * reaches past the cut is stored. That is the base expiry anchored the window on; the daily, weekly and monthly bases
     * kept before it lack the log between them and it.
     */
    Optional<BaseCut> firstBaseWithWholeLogAfter(List<BaseCut> oldestFirst, UtcHour firstManifestHour) {
        List<ListedSegment> listed = LogListing.list(stores, tenant, Optional.empty(), Long.MAX_VALUE, notes).segments();
        Set<ObjectKey> stored = listed.stream().map(ListedSegment::key).collect(Collectors.toSet());
        UtcHour lastHour = listed.stream().map(s -> s.segment().hour()).max(Comparator.naturalOrder()).orElse(firstManifestHour);
        ManifestIndex manifests = ManifestIndex.load(stores, tenant, firstManifestHour,
                lastHour.compareTo(firstManifestHour) < 0 ? firstManifestHour : lastHour, notes);
        long span = BackupLayout.MAX_SEGMENT_COMMIT_SPAN.toNanos() / 1_000;
        for (BaseCut cut : oldestFirst) {
            if (firstManifestHour.startMicros() > cut.cutCommitMicros() - span) {
                continue;
            }
            boolean whole = manifests.entries().keySet().stream().allMatch(key -> stored.contains(key) || !reachesPast(key, cut));
            if (whole) {
                return Optional.of(cut);
            }
        }
        return Optional.empty();
    }

    private static boolean reachesPast(ObjectKey key, BaseCut cut) {
        try {
            return BackupLayout.parseSegment(key).maxCommitMicros() > cut.cutCommitMicros();
        } catch (InvalidObjectKeyException notASegment) {
            return false;
        }
    }

    List<String> notes() {
        return notes.notes();
    }
}

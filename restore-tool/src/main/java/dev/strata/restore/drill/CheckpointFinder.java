package dev.strata.restore.drill;

import dev.strata.restore.plan.RestorePlan;
import dev.strata.restore.store.FetchedObject;
import dev.strata.restore.store.ListedSegment;
import dev.strata.restore.store.ManifestIndex;
import dev.strata.restore.store.ObjectFetcher;
import dev.strata.restore.store.RegimeStores;
import dev.strata.restore.store.RegionNotes;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.avro.Op;
import dev.strata.schemas.segment.SegmentReader;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Finds a tenant's newest checkpoint in its stored log: reads segments newest first (verified like
 * any restore read) until no older segment can hold a later checkpoint. Reading the store, not
 * Kafka, means the drill starts from a checkpoint that is durable, as a restore would see it.
 */
final class CheckpointFinder {
    private final RegimeStores stores;

    CheckpointFinder(RegimeStores stores) {
        this.stores = stores;
    }

    /** @param latest a plan of the tenant to its latest restorable point: the segments to look in */
    Optional<Checkpoint> newest(RestorePlan latest) {
        RegionNotes notes = new RegionNotes();
        ManifestIndex manifests = latest.firstHour()
                .map(first -> ManifestIndex.load(stores, latest.tenant(), first, latest.lastHour().orElseThrow(), notes))
                .orElse(null);
        ObjectFetcher fetcher = new ObjectFetcher(stores, notes);
        List<ListedSegment> newestFirst = latest.segments().stream()
                .sorted(Comparator.comparingLong(ListedSegment::maxCommitMicros).reversed()).toList();
        Checkpoint best = null;
        for (ListedSegment segment : newestFirst) {
            if (best != null && segment.maxCommitMicros() < best.takenAtMicros()) {
                break; // every older segment ends before the checkpoint already found
            }
            FetchedObject object = fetcher.fetch(segment.key(), segment.regions(),
                    manifests == null ? Optional.empty() : manifests.entry(segment.key()));
            try (SegmentReader reader = SegmentReader.openChecked(object.bytes(), segment.key().value())) {
                while (reader.hasNext()) {
                    ChangeEvent event = reader.next();
                    if (event.getOp() == Op.CHECKPOINT && event.getCheckpoint() != null) {
                        Checkpoint found = Checkpoint.of(event);
                        if (found.newerThan(best)) {
                            best = found;
                        }
                    }
                }
            }
        }
        return Optional.ofNullable(best);
    }
}

package dev.strata.restore.replay;

import dev.strata.restore.VerificationFailedException;
import dev.strata.restore.plan.RestorePlan;
import dev.strata.restore.store.DaemonPool;
import dev.strata.restore.store.ManifestIndex;
import dev.strata.restore.store.RegimeStores;
import dev.strata.restore.store.RegionNotes;
import dev.strata.schemas.layout.BaseCut;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.InvalidObjectKeyException;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.layout.SegmentKey;
import dev.strata.schemas.manifest.ManifestEntry;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

/**
 * The manifests of a plan's hours, checked against what the plan lists: what a restore verifies each segment by. A caller
 * may have them read ahead of the run, while it does other work first (a rollback reads the log after its point before
 * it knows which keys to stage).
 */
final class PlanManifests {
    private static final ExecutorService READER = DaemonPool.of("manifest-read-ahead", 1);

    private final RegimeStores stores;
    private final RegionNotes notes;
    /** Manifests read ahead, per plan (by identity): taken by the run of that plan. */
    private final Map<RestorePlan, CompletableFuture<ManifestIndex>> ahead = Collections.synchronizedMap(new IdentityHashMap<>());

    PlanManifests(RegimeStores stores, RegionNotes notes) {
        this.stores = stores;
        this.notes = notes;
    }

    /** Starts reading the manifests of {@code plan}; {@link #of} takes them, or the failure to read them. */
    void readAhead(RestorePlan plan) {
        ahead.computeIfAbsent(plan, p -> CompletableFuture.supplyAsync(() -> load(p), READER));
    }

    /** The plan's manifests, each segment they name in the plan's range listed by a region; null for a plan of no segment. */
    ManifestIndex of(RestorePlan plan) {
        CompletableFuture<ManifestIndex> read = ahead.remove(plan);
        ManifestIndex manifests = read != null ? DaemonPool.join(read) : load(plan);
        if (manifests != null) {
            requireListed(plan, manifests);
        }
        return manifests;
    }

    private ManifestIndex load(RestorePlan plan) {
        return plan.firstHour().map(first -> ManifestIndex.load(stores, plan.tenant(), first, plan.lastHour().orElseThrow(), notes))
                .orElse(null);
    }

    /** A manifest that names a planned-range segment neither region lists means the backup lost it. */
    private static void requireListed(RestorePlan plan, ManifestIndex manifests) {
        Set<ObjectKey> listed = new HashSet<>();
        plan.segments().forEach(s -> listed.add(s.key()));
        long cut = plan.base().map(BaseCut::cutCommitMicros).orElse(Long.MIN_VALUE);
        for (Map.Entry<ObjectKey, ManifestEntry> e : manifests.entries().entrySet()) {
            SegmentKey segment;
            try {
                segment = BackupLayout.parseSegment(e.getKey());
            } catch (InvalidObjectKeyException notASegment) {
                continue;
            }
            boolean inPlan = segment.minCommitMicros() <= plan.untilMicros() && segment.maxCommitMicros() > cut;
            if (inPlan && !listed.contains(e.getKey())) {
                throw new VerificationFailedException("object " + e.getKey() + " is named by manifest "
                        + manifests.manifestOf(e.getKey()).map(ObjectKey::value).orElse("?")
                        + " but neither region lists it: the backup has lost it; run restore-tool verify --tenant " + plan.tenant());
            }
        }
    }
}

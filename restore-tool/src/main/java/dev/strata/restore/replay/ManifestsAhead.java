package dev.strata.restore.replay;

import dev.strata.restore.ledger.ErasureLedger;
import dev.strata.restore.plan.RestorePlan;
import dev.strata.restore.store.DaemonPool;
import dev.strata.restore.store.ManifestIndex;
import dev.strata.restore.store.RegimeStores;
import dev.strata.restore.store.RegionNotes;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

/**
 * What a run reads before its first segment, its plan's manifest chain and the tenant's erasure ledger, read at once in
 * the background. A run starts them itself; a rollback starts them as soon as its point is planned, so that they are
 * read while it reads the log after the point, not at the start of its staging.
 */
final class ManifestsAhead {
    private static final ExecutorService READERS = DaemonPool.of("manifests-read", 2);

    private final RestorePlan plan;
    /** Null when the plan holds no segment. */
    private final CompletableFuture<ManifestIndex> manifests;
    private final CompletableFuture<ErasureLedger> ledger;

    private ManifestsAhead(RestorePlan plan, CompletableFuture<ManifestIndex> manifests, CompletableFuture<ErasureLedger> ledger) {
        this.plan = plan;
        this.manifests = manifests;
        this.ledger = ledger;
    }

    static ManifestsAhead start(RegimeStores stores, RestorePlan plan, RegionNotes notes) {
        CompletableFuture<ErasureLedger> ledger = CompletableFuture.supplyAsync(
                () -> ErasureLedger.read(stores, plan.tenant(), notes::note), READERS);
        CompletableFuture<ManifestIndex> manifests = CompletableFuture.supplyAsync(() -> plan.firstHour()
                .map(first -> ManifestIndex.load(stores, plan.tenant(), first, plan.lastHour().orElseThrow(), notes))
                .orElse(null), READERS);
        return new ManifestsAhead(plan, manifests, ledger);
    }

    /** Whether these were read for {@code other}: the same plan, not only an equal one (a plan lists what it read). */
    boolean isFor(RestorePlan other) {
        return plan == other;
    }

    /** The manifest chain, once read; null when the plan holds no segment. A failure is thrown as the read threw it. */
    ManifestIndex manifests() {
        return DaemonPool.join(manifests);
    }

    ErasureLedger ledger() {
        return DaemonPool.join(ledger);
    }
}

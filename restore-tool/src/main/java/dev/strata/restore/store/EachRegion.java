package dev.strata.restore.store;

import dev.strata.schemas.store.failure.StoreException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.function.Function;

/**
 * One call per region, the regions at once: a LIST or GET waits tens of milliseconds for its
 * answer, and a plan that asked region after region waited for each in turn. The calling thread
 * makes the first region's call. Outcomes come back in region order; a region's
 * {@link StoreException} is its outcome, any other failure is thrown as the call threw it.
 */
public final class EachRegion {
    /** Enough for two calls of every region at once; more wait their turn. */
    private static final ExecutorService CALLERS = DaemonPool.of("region-call", 4);

    private EachRegion() {
    }

    /** What one region answered: a value, or the store's failure. */
    public record Outcome<T>(RegionStore region, T value, StoreException failure) {
        public boolean failed() {
            return failure != null;
        }
    }

    public static <T> List<Outcome<T>> call(RegimeStores stores, Function<RegionStore, T> call) {
        List<RegionStore> regions = stores.regions();
        List<CompletableFuture<Outcome<T>>> others = new ArrayList<>();
        for (RegionStore region : regions.subList(1, regions.size())) {
            others.add(CompletableFuture.supplyAsync(() -> outcome(region, call), CALLERS));
        }
        List<Outcome<T>> outcomes = new ArrayList<>();
        outcomes.add(outcome(regions.get(0), call));
        others.forEach(other -> outcomes.add(DaemonPool.join(other)));
        return outcomes;
    }

    private static <T> Outcome<T> outcome(RegionStore region, Function<RegionStore, T> call) {
        try {
            return new Outcome<>(region, call.apply(region), null);
        } catch (StoreException e) {
            return new Outcome<>(region, null, e);
        }
    }
}

package dev.strata.restore.durable;

import dev.strata.restore.store.DaemonPool;
import dev.strata.restore.store.DurableMarkFinder;
import dev.strata.restore.store.NewestKeySearch;
import dev.strata.restore.store.RegimeStores;
import dev.strata.restore.store.Region;
import dev.strata.restore.store.RegionStore;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.durable.DurableMark;
import dev.strata.schemas.layout.DurableMarkKey;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

/**
 * The search for a tenant's durable point under way: per region, the newest mark's name searched
 * from one or more guesses at once, the first search to finish answering (every search finds the
 * same newest mark; only its cost depends on the guess) and the others stopping before their next
 * LIST. A search from the clock's time costs a few LISTs for a live tenant and about twice the log
 * of the distance for one idle for weeks (about 30 LISTs per region, 1.5 s here): the caller adds
 * guesses as it learns them (the newest base's cut, the newest segment listed), so the point costs
 * what the best guess costs, and the search runs beside the listing that gives the guesses.
 */
public final class DurablePointSearch {
    /**
     * Three guesses per region at once (the clock, the newest base, the newest segment): a guess that
     * waited for a thread would wait for the worse searches it is meant to beat. More wait their turn.
     */
    private static final ExecutorService SEARCHERS = DaemonPool.of("durable-mark-search", 3 * Region.values().length);

    private final RegimeStores stores;
    private final TenantId tenant;
    private final Map<Region, RegionRace> races = new EnumMap<>(Region.class);

    private DurablePointSearch(RegimeStores stores, TenantId tenant) {
        this.stores = stores;
        this.tenant = tenant;
        stores.regions().forEach(region -> races.put(region.region(), new RegionRace(region)));
    }

    /** Starts the search of every region from {@code nowMicros}, the clock's time: where a live tenant's newest mark is. */
    public static DurablePointSearch start(RegimeStores stores, TenantId tenant, long nowMicros) {
        return new DurablePointSearch(stores, tenant).alsoFrom(nowMicros);
    }

    /** One more search per region, from {@code guessMicros}; none once a region has answered. */
    public DurablePointSearch alsoFrom(long guessMicros) {
        races.values().forEach(race -> race.from(guessMicros));
        return this;
    }

    /** Waits for every region's newest mark, read as soon as its search named it (see {@link DurablePoint}). */
    public DurablePoint await() {
        Map<Region, CompletableFuture<Optional<DurableMark>>> marks = new EnumMap<>(Region.class);
        races.forEach((region, race) -> marks.put(region, race.mark));
        return DurablePoint.of(stores, tenant, marks);
    }

    /** One region's searches from the guesses given so far: the first answer, or the last failure when none answered. */
    private final class RegionRace {
        private final RegionStore region;
        private final CompletableFuture<Optional<DurableMarkKey>> newest = new CompletableFuture<>();
        /** The newest mark itself, read and bound to the tenant once a search named it, while the caller does other work. */
        private final CompletableFuture<Optional<DurableMark>> mark;
        private int running; // guarded by this

        RegionRace(RegionStore region) {
            this.region = region;
            this.mark = newest.thenApplyAsync(found -> found.map(key -> DurablePoint.readMark(region, tenant, key)), SEARCHERS);
        }

        void from(long guessMicros) {
            synchronized (this) {
                if (newest.isDone()) {
                    return;
                }
                running++;
            }
            SEARCHERS.execute(() -> {
                try {
                    newest.complete(DurableMarkFinder.newest(region.store(), tenant, guessMicros, newest::isDone));
                    ended(null);
                } catch (NewestKeySearch.Abandoned another) {
                    ended(null);
                } catch (RuntimeException e) {
                    ended(e); // a store failure or a refused key: the region's answer unless another search still runs
                }
            });
        }

        private synchronized void ended(RuntimeException failure) {
            running--;
            if (failure != null && running == 0) {
                newest.completeExceptionally(failure);
            }
        }
    }
}

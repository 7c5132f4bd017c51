package dev.strata.restore.status;

import dev.strata.restore.BadInputException;
import dev.strata.restore.store.DurableMarkFinder;
import dev.strata.restore.store.NewestSegmentFinder;
import dev.strata.restore.store.RegimeStores;
import dev.strata.restore.store.Region;
import dev.strata.restore.store.RegionStore;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.DurableMarkKey;
import dev.strata.schemas.store.failure.StoreException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * Asks each region of a tenant's regime for the tenant's durable point, the newest durable mark
 * there (by its name: {@code verify} and a restore read its body), independently of the watermark
 * in Kafka: this shows which region is behind when they differ. Safe to use from several threads. For a backup without marks, how far
 * the region holds the log (its newest segment), shown as unproven. A region that cannot be read is reported, not fatal: status is what an operator runs
 * when something is down. Opens each regime's stores once.
 */
public final class RegionPoints implements AutoCloseable {
    private final UnreachableRegions unreachable;
    private final Set<String> configuredRegimes;
    private final Function<String, RegimeStores> open;
    private final Map<String, RegimeStores> opened = new ConcurrentHashMap<>();

    public RegionPoints(Set<String> configuredRegimes, Function<String, RegimeStores> open, UnreachableRegions unreachable) {
        this.configuredRegimes = Set.copyOf(configuredRegimes);
        this.open = open;
        this.unreachable = unreachable;
    }

    /**
     * Asks every region of every configured regime one small question at once (a listing of one key), so a
     * region that is down or hung is known after one timeout, paid beside whatever the caller does meanwhile
     * (reading the watermarks from Kafka), and is not asked per tenant. Completes when every region answered or
     * failed; never completes exceptionally.
     */
    public CompletableFuture<Void> probe(Executor executor) {
        List<CompletableFuture<Void>> asked = new ArrayList<>();
        for (String regime : configuredRegimes) {
            RegimeStores stores;
            try {
                stores = opened.computeIfAbsent(regime, open);
            } catch (BadInputException e) {
                continue; // read() reports it per tenant
            }
            for (RegionStore region : stores.regions()) {
                asked.add(CompletableFuture.runAsync(() -> {
                    try {
                        region.store().list(BackupLayout.allTenantsPrefix(), Optional.empty(), 1);
                    } catch (StoreException e) {
                        unreachable.failed(regime, region.region(), e);
                    }
                }, executor));
            }
        }
        return CompletableFuture.allOf(asked.toArray(CompletableFuture[]::new));
    }

    /**
     * Per region of {@code regime}; empty when that regime's stores are not in the tool's config.
     *
     * @param watermarkMicros the tenant's watermark: where the search for its newest mark and segment starts
     */
    public Map<Region, RegionPoint> read(TenantId tenant, String regime, long watermarkMicros) {
        Map<Region, RegionPoint> points = new EnumMap<>(Region.class);
        if (!configuredRegimes.contains(regime)) {
            return points;
        }
        RegimeStores stores;
        try {
            stores = opened.computeIfAbsent(regime, open);
        } catch (BadInputException e) {
            for (Region region : Region.values()) {
                points.put(region, RegionPoint.unknown("config: " + e.getMessage()));
            }
            return points;
        }
        for (RegionStore region : stores.regions()) {
            Optional<String> unreachable = this.unreachable.reason(regime, region.region());
            if (unreachable.isPresent()) {
                points.put(region.region(), RegionPoint.unknown("unreachable, not asked again: " + unreachable.get()));
                continue;
            }
            try {
                Optional<DurableMarkKey> mark = DurableMarkFinder.newest(region.store(), tenant, watermarkMicros);
                points.put(region.region(), mark.isPresent() ? RegionPoint.marked(mark.get().pointMicros())
                        : RegionPoint.unmarked(NewestSegmentFinder.durableUntilMicros(region.store(), tenant, watermarkMicros)));
            } catch (StoreException e) {
                this.unreachable.failed(regime, region.region(), e);
                points.put(region.region(), RegionPoint.unknown("unreadable: " + e.getMessage()));
            }
        }
        return points;
    }

    @Override
    public void close() {
        opened.values().forEach(RegimeStores::close);
    }
}

package dev.strata.restore.durable;

import dev.strata.restore.VerificationFailedException;
import dev.strata.restore.plan.RestoreTime;
import dev.strata.restore.store.RegimeStores;
import dev.strata.restore.store.Region;
import dev.strata.restore.store.RegionStore;
import dev.strata.restore.store.StoreFailures;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.durable.DurableMark;
import dev.strata.schemas.durable.DurableMarkCodec;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.DurableMarkKey;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.store.StoredObject;
import dev.strata.schemas.store.failure.StoreException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A tenant's durable point in its regime, read from the store alone (Kafka may be gone): per
 * region, the newest durable mark the sink wrote there ({@link DurablePointSearch}). The sink writes
 * a mark only after both regions hold every change up to its point, so a mark found in ONE region
 * proves it: the tenant's durable point is the greatest over the regions read. A region that could
 * not be read is named, not fatal, as long as another answered.
 *
 * <p>The newest mark of each region is read and bound to the tenant: one whose body names another
 * tenant, or another point than its name, was planted with the writer key (or misfiled) and is
 * refused (exit 3) naming the object, as a segment of another tenant is.
 */
public final class DurablePoint {
    private final TenantId tenant;
    private final String regime;
    private final Map<Region, Optional<DurableMark>> marks;
    private final StoreFailures unreadable;

    private DurablePoint(TenantId tenant, String regime, Map<Region, Optional<DurableMark>> marks, StoreFailures unreadable) {
        this.tenant = tenant;
        this.regime = regime;
        this.marks = marks;
        this.unreadable = unreadable;
    }

    /**
     * Reads the newest mark of each region, the regions side by side, searched from the clock's time
     * (see {@link DurablePointSearch} for a search that also takes better guesses).
     *
     * @param nowMicros the clock's time: where the search for the newest mark starts
     */
    public static DurablePoint read(RegimeStores stores, TenantId tenant, long nowMicros) {
        return DurablePointSearch.start(stores, tenant, nowMicros).await();
    }

    /** The point of each region's newest mark, read and bound to the tenant by its search: a region that failed is named. */
    static DurablePoint of(RegimeStores stores, TenantId tenant, Map<Region, CompletableFuture<Optional<DurableMark>>> reads) {
        Map<Region, Optional<DurableMark>> marks = new EnumMap<>(Region.class);
        StoreFailures unreadable = new StoreFailures();
        for (RegionStore region : stores.regions()) {
            try {
                marks.put(region.region(), reads.get(region.region()).join());
            } catch (CompletionException e) {
                if (e.getCause() instanceof StoreException failed) {
                    unreadable.add(region, failed);
                } else if (e.getCause() instanceof RuntimeException refused) {
                    throw refused; // a planted or unreadable mark: refused as when the regions were read in turn
                } else {
                    throw e;
                }
            }
        }
        return new DurablePoint(tenant, stores.regime(), marks, unreadable);
    }

    static DurableMark readMark(RegionStore region, TenantId tenant, DurableMarkKey key) {
        ObjectKey object = BackupLayout.mark(key);
        Optional<StoredObject> stored = region.store().get(object);
        if (stored.isEmpty()) {
            throw new VerificationFailedException("durable mark " + object + " is listed in " + region.describe()
                    + " but cannot be read; run restore-tool verify --tenant " + tenant);
        }
        DurableMark mark;
        try {
            mark = DurableMarkCodec.decode(stored.get().bytes());
        } catch (IllegalArgumentException e) {
            throw new VerificationFailedException("durable mark " + object + " in " + region.describe() + " is not one the sink wrote ("
                    + e.getMessage() + "): tampered or corrupt; run restore-tool verify --tenant " + tenant, e);
        }
        if (!mark.tenant().equals(tenant) || mark.pointMicros() != key.pointMicros()) {
            throw new VerificationFailedException("durable mark " + object + " in " + region.describe() + " is filed under tenant "
                    + tenant + " at " + RestoreTime.format(key.pointMicros()) + " but names tenant '" + mark.tenant() + "' at "
                    + RestoreTime.format(mark.pointMicros()) + ": it was planted with the writer key or misfiled, and it is not"
                    + " used; run restore-tool verify --tenant " + tenant + " and rotate the regime's writer key");
        }
        return mark;
    }

    /** The tenant's durable point: the greatest over the regions read; empty when no region holds a mark. */
    public Optional<Long> point() {
        return marks.values().stream().flatMap(Optional::stream).map(DurableMark::pointMicros).max(Long::compare);
    }

    /** The newest mark's point in {@code region}; empty when it holds none or could not be read. */
    public Optional<Long> in(Region region) {
        return marks.getOrDefault(region, Optional.empty()).map(DurableMark::pointMicros);
    }

    /** Whether {@code region} answered. */
    public boolean read(Region region) {
        return marks.containsKey(region);
    }

    /** Why regions could not be read: empty when every region answered. */
    public StoreFailures unreadable() {
        return unreadable;
    }

    /** Where the point comes from, per region, e.g. "newest durable mark in primary 2026-11-21T10:15:30Z, in backup none". */
    public String describe() {
        List<String> parts = new ArrayList<>();
        for (Region region : Region.values()) {
            parts.add("in " + region.label() + " " + (!read(region) ? "unreadable"
                    : in(region).map(RestoreTime::format).orElse("none")));
        }
        return "newest durable mark " + String.join(", ", parts);
    }

    public TenantId tenant() {
        return tenant;
    }

    public String regime() {
        return regime;
    }
}

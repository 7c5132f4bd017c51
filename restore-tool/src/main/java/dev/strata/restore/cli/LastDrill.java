package dev.strata.restore.cli;

import dev.strata.restore.BadInputException;
import dev.strata.restore.drill.DrillReport;
import dev.strata.restore.status.UnreachableRegions;
import dev.strata.restore.store.RegimeStores;
import dev.strata.restore.store.RegionStore;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.store.ListedObject;
import dev.strata.schemas.store.StoredObject;
import dev.strata.schemas.store.failure.StoreException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Optional;

/**
 * A tenant's last drill for {@code status}: the newest report under its drills prefix (keys sort by
 * time), read with the reader keys, primary region first. Shown, never thrown: status must work
 * when a store is unreachable or not configured on this host.
 */
final class LastDrill implements AutoCloseable {
    static final String NONE = "none";
    static final String UNKNOWN = "-";

    private final StoreAccess access;
    private final UnreachableRegions unreachable;
    private final Map<String, RegimeStores> opened = new ConcurrentHashMap<>();

    LastDrill(StoreAccess access, UnreachableRegions unreachable) {
        this.access = access;
        this.unreachable = unreachable;
    }

    /**
     * e.g. {@code PASS 2026-11-21T10:00:03Z}, {@code FAIL ...}, {@code none}, or {@code -} when the stores cannot tell.
     *
     * @param regime the tenant's regime, as its watermark names it
     */
    String describe(String tenant, String regime) {
        try {
            RegimeStores stores = opened.computeIfAbsent(regime, access::open);
            for (RegionStore region : stores.regions()) {
                if (unreachable.reason(regime, region.region()).isPresent()) {
                    continue;
                }
                try {
                    return newest(region, TenantId.of(tenant));
                } catch (StoreException e) {
                    unreachable.failed(regime, region.region(), e); // the other region may answer
                }
            }
            return UNKNOWN;
        } catch (BadInputException | StoreException | IllegalArgumentException e) {
            return UNKNOWN;
        }
    }

    @Override
    public void close() {
        opened.values().forEach(RegimeStores::close);
    }

    private static String newest(RegionStore region, TenantId tenant) {
        Optional<ListedObject> newest = region.store().listAll(BackupLayout.drillsPrefix(tenant), Optional.empty()).reduce((a, b) -> b);
        if (newest.isEmpty()) {
            return NONE;
        }
        Optional<DrillReport> report = region.store().get(newest.get().key()).map(StoredObject::bytes).flatMap(DrillReport::parse);
        return report.map(r -> r.result() + " " + r.finishedAt()).orElse("unreadable report " + newest.get().key());
    }
}

package dev.strata.restore.cli;

import dev.strata.restore.BadInputException;
import dev.strata.restore.ToolConfig;
import dev.strata.restore.drill.DrillReport;
import dev.strata.restore.store.RegimeStores;
import dev.strata.restore.store.RegionStore;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.store.ListedObject;
import dev.strata.schemas.store.StoreException;
import dev.strata.schemas.store.StoredObject;
import java.util.Optional;

/**
 * A tenant's last drill for {@code status}: the newest report under its drills prefix (keys sort by
 * time), read with the reader keys, primary region first. Shown, never thrown: status must work
 * when a store is unreachable or not configured on this host.
 */
final class LastDrill {
    static final String NONE = "none";
    static final String UNKNOWN = "-";

    private final ToolConfig config;

    LastDrill(ToolConfig config) {
        this.config = config;
    }

    /** e.g. {@code PASS 2026-11-21T10:00:03Z}, {@code FAIL ...}, {@code none}, or {@code -} when the stores cannot tell. */
    String describe(String tenant) {
        try (RegimeStores stores = new StoreAccess(config).locate(tenant, Optional.empty())) {
            for (RegionStore region : stores.regions()) {
                try {
                    return newest(region, TenantId.of(tenant));
                } catch (StoreException e) {
                    // the other region may answer
                }
            }
            return UNKNOWN;
        } catch (BadInputException | StoreException | IllegalArgumentException e) {
            return UNKNOWN;
        }
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

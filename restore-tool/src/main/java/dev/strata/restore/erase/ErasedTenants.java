package dev.strata.restore.erase;

import dev.strata.restore.store.RegimeStores;
import dev.strata.restore.store.RegionStore;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.erasure.TenantTombstone;
import dev.strata.schemas.erasure.Tombstones;
import java.util.Optional;

/** A tenant's tombstone, for a move (which reads both regimes'); the other commands ask the locator that found the tenant. */
public final class ErasedTenants {
    private ErasedTenants() {
    }

    /** The tenant's tombstone in either region of its regime (read with the reader's keys). */
    public static Optional<TenantTombstone> tombstone(RegimeStores stores, TenantId tenant) {
        return Tombstones.find(stores.regions().stream().map(RegionStore::store).toList(), tenant);
    }
}

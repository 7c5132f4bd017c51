package dev.strata.restore.erase;

import dev.strata.restore.store.RegimeStores;
import dev.strata.restore.store.RegionStore;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.erasure.TenantTombstone;
import dev.strata.schemas.erasure.Tombstones;
import java.util.Optional;

/** Every command that reads a tenant's backup asks here first, so an erased tenant is refused with who and when. */
public final class ErasedTenants {
    private ErasedTenants() {
    }

    /** The tenant's tombstone in either region of its regime (read with the reader's keys). */
    public static Optional<TenantTombstone> tombstone(RegimeStores stores, TenantId tenant) {
        return Tombstones.find(stores.regions().stream().map(RegionStore::store).toList(), tenant);
    }

    /** @throws TenantErasedException when the tenant was erased */
    public static void refuseErased(RegimeStores stores, TenantId tenant) {
        Optional<TenantTombstone> tombstone = tombstone(stores, tenant);
        if (tombstone.isPresent()) {
            throw new TenantErasedException(tombstone.get());
        }
    }
}

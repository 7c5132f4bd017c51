package dev.strata.restore.cli;

import dev.strata.restore.BadInputException;
import dev.strata.restore.ToolConfig;
import dev.strata.restore.erase.TenantErasedException;
import dev.strata.restore.store.RegimeStores;
import dev.strata.restore.store.TenantLocator;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.erasure.TenantTombstone;
import dev.strata.schemas.store.s3.StoreTimeouts;
import java.util.Optional;

/** Opens a regime's stores from the config, and finds the regime of a tenant; one per command. */
final class StoreAccess {
    private final ToolConfig config;
    private final StoreTimeouts timeouts;
    /**
     * One per command and used from its thread: what it read of a tenant's tombstone while locating is not read again to
     * refuse or report. Made at first use: {@link #open} alone (status, from several threads) needs none.
     */
    private TenantLocator locator;

    StoreAccess(ToolConfig config) {
        this(config, StoreTimeouts.DEFAULT);
    }

    StoreAccess(ToolConfig config, StoreTimeouts timeouts) {
        this.config = config;
        this.timeouts = timeouts;
    }

    RegimeStores open(String regime) {
        return RegimeStores.open(config.store(regime, ToolConfig.PRIMARY), config.store(regime, ToolConfig.BACKUP), timeouts,
                config.bodies(regime));
    }

    /** The tenant's regime stores; an erased tenant is refused ({@link TenantErasedException}, exit 5) naming who and when. */
    RegimeStores locate(String tenant, Optional<String> regime) {
        RegimeStores stores = locator().locate(tenantId(tenant), regime);
        try {
            Optional<TenantTombstone> erased = tombstone(stores, tenantId(tenant));
            if (erased.isPresent()) {
                throw new TenantErasedException(erased.get());
            }
            return stores;
        } catch (RuntimeException e) {
            stores.close();
            throw e;
        }
    }

    /** For the commands that report an erasure rather than refuse: list points, tenants erase. */
    RegimeStores locateEvenErased(String tenant, Optional<String> regime) {
        return locator().locate(tenantId(tenant), regime);
    }

    /** The tenant's tombstone in {@code stores}, if it was erased: read once, by whichever asks first (locating asks too). */
    Optional<TenantTombstone> tombstone(RegimeStores stores, TenantId tenant) {
        return locator().tombstone(stores, tenant);
    }

    private TenantLocator locator() {
        if (locator == null) {
            locator = new TenantLocator(config.storeRegimes(), this::open);
        }
        return locator;
    }

    static TenantId tenantId(String tenant) {
        try {
            return TenantId.of(tenant);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage());
        }
    }
}

package dev.strata.restore.store;

import dev.strata.restore.BadInputException;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.erasure.TenantTombstone;
import dev.strata.schemas.erasure.Tombstones;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.store.failure.StoreException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Finds the regime whose stores hold a tenant's backup, by looking: a restore must work when
 * Kafka (and with it the placement directory) is gone. One LIST of at most one key per regime.
 */
public final class TenantLocator {
    private final Collection<String> regimes;
    private final Function<String, RegimeStores> open;
    /** The tombstones locating read, by regime and tenant: the command's own check then sends no second GET per region. */
    private final Map<TombstoneOf, Optional<TenantTombstone>> tombstonesRead = new HashMap<>();

    private record TombstoneOf(String regime, TenantId tenant) {
    }

    public TenantLocator(Collection<String> regimes, Function<String, RegimeStores> open) {
        this.regimes = List.copyOf(regimes);
        this.open = open;
    }

    /** The open stores of the tenant's regime; {@code regime} pins it when the operator knows it. */
    public RegimeStores locate(TenantId tenant, Optional<String> regime) {
        if (regime.isPresent()) {
            if (!regimes.contains(regime.get())) {
                throw new BadInputException("regime '" + regime.get() + "' is not configured (configured: " + regimes
                        + "): set strata.regime." + regime.get() + ".* or pick one of those");
            }
            RegimeStores stores = open.apply(regime.get());
            StoreFailures failures = new StoreFailures();
            if (holds(stores, tenant, failures)) {
                return stores;
            }
            stores.close();
            if (failures.reasons().size() == stores.regions().size()) {
                throw failures.noRegionAnswered("look for tenant " + tenant + " in regime " + regime.get());
            }
            throw unknown(tenant, List.of(regime.get()), new StoreFailures());
        }
        StoreFailures unreachable = new StoreFailures();
        List<String> holding = new ArrayList<>();
        int unreadableRegimes = 0;
        RegimeStores found = null;
        for (String r : regimes) {
            RegimeStores stores = open.apply(r);
            StoreFailures failures = new StoreFailures();
            if (holds(stores, tenant, failures) && !movedAway(stores, tenant)) {
                holding.add(r);
                if (found == null) {
                    found = stores;
                    continue;
                }
            }
            stores.close();
            if (failures.reasons().size() == stores.regions().size()) {
                unreachable.addAll("regime " + r + " ", failures);
                unreadableRegimes++;
            }
        }
        if (holding.size() > 1) {
            // Moved without its history (tenants put --allow-move): restoring from one would silently drop the other's.
            found.close();
            throw new BadInputException("tenant " + tenant + " has backups in regimes " + holding
                    + " (it was moved without its history: tenants put --allow-move): pass --regime to choose one, knowing the other"
                    + " holds part of its history");
        }
        if (found != null) {
            return found;
        }
        if (unreadableRegimes == regimes.size()) {
            throw unreachable.error("cannot look for tenant " + tenant + ": no store could be read: "
                    + String.join(" | ", unreachable.reasons()));
        }
        throw unknown(tenant, regimes, unreachable);
    }

    // A move erases the tenant in the regime it left only after its whole history was copied and checked in the new one: the
    // old regime's objects are then unreadable remains, and the new regime is where it lives.
    private boolean movedAway(RegimeStores stores, TenantId tenant) {
        try {
            return tombstone(stores, tenant).flatMap(TenantTombstone::movedTo).isPresent();
        } catch (StoreException unreadable) {
            return false; // then the regime counts as holding the tenant, and locating says so
        }
    }

    /**
     * The tenant's tombstone in either region of {@code stores} (read with the reader's keys), read once per regime and
     * tenant by this locator: a command locates and then refuses an erased tenant within the same moment.
     *
     * @throws StoreException when no region answered
     */
    public Optional<TenantTombstone> tombstone(RegimeStores stores, TenantId tenant) {
        TombstoneOf of = new TombstoneOf(stores.regime(), tenant);
        Optional<TenantTombstone> read = tombstonesRead.get(of);
        if (read == null) {
            read = Tombstones.find(stores.regions().stream().map(RegionStore::store).toList(), tenant);
            tombstonesRead.put(of, read);
        }
        return read;
    }

    private static boolean holds(RegimeStores stores, TenantId tenant, StoreFailures failures) {
        for (RegionStore region : stores.regions()) {
            try {
                if (!region.store().list(BackupLayout.tenantPrefix(tenant), Optional.empty(), 1).objects().isEmpty()) {
                    return true;
                }
            } catch (StoreException e) {
                failures.add(region, e);
            }
        }
        return false;
    }

    /** Unknown where every regime could be read; where one could not, it may hold the tenant: then retrying may tell. */
    private static RuntimeException unknown(TenantId tenant, Collection<String> searched, StoreFailures unreachable) {
        String message = "unknown tenant " + tenant + ": no backup of it in regime(s) " + searched
                + (unreachable.isEmpty() ? "" : " (could not read: " + String.join(" | ", unreachable.reasons()) + ")")
                + "; check the tenant id ('restore-tool list tenants' shows the tenants with backups)";
        return unreachable.isEmpty() ? new BadInputException(message) : unreachable.error(message);
    }
}

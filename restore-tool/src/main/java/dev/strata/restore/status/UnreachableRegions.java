package dev.strata.restore.status;

import dev.strata.restore.store.Region;
import dev.strata.schemas.store.failure.StoreException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The regions that failed to answer during one {@code status} run, with the first error: a region
 * down or hung costs its timeout once, not once per tenant, so status answers within seconds during
 * an outage and names the region.
 */
public final class UnreachableRegions {
    private final Map<String, String> reasons = new HashMap<>();

    /** Why {@code region} of {@code regime} is not asked again; empty while it answers. */
    public synchronized Optional<String> reason(String regime, Region region) {
        return Optional.ofNullable(reasons.get(key(regime, region)));
    }

    public synchronized void failed(String regime, Region region, StoreException e) {
        reasons.putIfAbsent(key(regime, region), e.getMessage());
    }

    private static String key(String regime, Region region) {
        return regime + "/" + region.label();
    }
}

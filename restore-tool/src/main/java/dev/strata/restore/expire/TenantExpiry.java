package dev.strata.restore.expire;

import dev.strata.restore.store.Region;
import java.util.List;
import java.util.Map;

/** One tenant's plan and, unless a dry run, what expiry did in each region. */
public record TenantExpiry(ExpiryPlan plan, Map<Region, RegionExpiry> regions) {

    public TenantExpiry {
        regions = Map.copyOf(regions);
    }

    public List<String> errors() {
        return regions.values().stream().flatMap(r -> r.errors().stream()).toList();
    }
}

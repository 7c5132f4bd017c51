package dev.strata.restore.status;

import dev.strata.restore.store.Region;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One line of {@code restore-tool status}: what the watermark says (durable in both regions) and
 * what each region's own listing says.
 *
 * @param durableInBothMicros the watermark's commit time; empty when the watermark could not be read
 * @param lagSeconds now minus that time
 * @param regions per region, how far it holds the log (empty when the regime's stores are not configured)
 * @param unreadable why the watermark could not be decoded, if it could not
 * @param lastDrill the newest drill report's result and time, {@code none}, or {@code -} when the stores cannot tell
 */
public record TenantStatus(String tenant, Optional<String> regime, Optional<Long> durableInBothMicros, double lagSeconds,
                           Optional<String> position, Map<Region, RegionPoint> regions, String lastDrill,
                           Optional<String> unreadable) {

    public TenantStatus {
        Objects.requireNonNull(tenant, "tenant");
        regions = Map.copyOf(regions);
        Objects.requireNonNull(lastDrill, "lastDrill");
    }

    public RegionPoint region(Region region) {
        return regions.getOrDefault(region, RegionPoint.unknown(regime.isEmpty() ? "regime unknown" : "not configured"));
    }
}

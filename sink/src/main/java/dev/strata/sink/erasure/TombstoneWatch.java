package dev.strata.sink.erasure;

import dev.strata.schemas.TenantId;
import dev.strata.schemas.erasure.Tombstones;
import dev.strata.schemas.store.ObjectStore;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The erased tenants as the regime's buckets say: one LIST of the tombstones per region at start and
 * every {@link #REFRESH_INTERVAL_MS} ms after. A tenant erased while the sink runs is refused from
 * the next refresh on; what it stored in between was sealed under keys that are destroyed. A region
 * that cannot be listed keeps the last answer (tombstones are write-once: the set only grows).
 */
public final class TombstoneWatch implements ErasedTenants {
    /** How often the tombstones are listed again: how long an erased tenant's changes may still be stored. */
    public static final long REFRESH_INTERVAL_MS = 30_000;
    private static final Logger LOG = LoggerFactory.getLogger(TombstoneWatch.class);

    private final ObjectStore primary;
    private final ObjectStore backup;
    private volatile Set<String> erased = Set.of();

    public TombstoneWatch(ObjectStore primary, ObjectStore backup) {
        this.primary = primary;
        this.backup = backup;
    }

    @Override
    public boolean erased(String tenant) {
        return erased.contains(tenant);
    }

    /** Lists the tombstones of both regions; never throws (a failure is logged and the next refresh tries again). */
    public void refresh() {
        Set<String> found = new HashSet<>(erased);
        for (ObjectStore region : List.of(primary, backup)) {
            try {
                found.addAll(Tombstones.erasedIn(region).stream().map(TenantId::value).collect(Collectors.toSet()));
            } catch (RuntimeException e) {
                LOG.warn("cannot list erasure tombstones in {} ({}); the tenants known erased stay refused, next try in {} s",
                        region.describe(), e.getMessage(), REFRESH_INTERVAL_MS / 1000);
            }
        }
        if (!found.equals(erased)) {
            Set<String> added = found.stream().filter(t -> !erased.contains(t)).collect(Collectors.toSet());
            LOG.warn("ERASED: tenant(s) {} were erased; their new changes are parked with reason ERASED", added);
            erased = Set.copyOf(found);
        }
    }
}

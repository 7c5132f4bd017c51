package dev.strata.capture.heartbeat;

import dev.strata.schemas.TenantId;
import java.util.Collection;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tenants a heartbeat is published for: every tenant placed in {@code strata.tenants} (re-read
 * on a schedule, so a later placement is picked up) and every tenant capture has published a
 * change for since it started. Thread-safe: the engine's thread adds changed tenants, the
 * placement reader replaces the placed ones, the engine's thread reads both.
 */
public final class KnownTenants {
    private final Set<String> changed = ConcurrentHashMap.newKeySet();
    private volatile Set<String> placed = Set.of();

    /** A change of {@code tenant} is being published. */
    public void changed(String tenant) {
        changed.add(tenant);
    }

    /** The placement directory as last read; ids that are not valid tenant ids are left out (no event can carry them). */
    void placed(Collection<String> tenants) {
        placed = Set.copyOf(tenants.stream().filter(TenantId::isValid).toList());
    }

    /** Both sets, sorted: a message's heartbeats come out in the same order on every delivery. */
    public SortedSet<String> all() {
        SortedSet<String> all = new TreeSet<>(placed);
        all.addAll(changed);
        return all;
    }
}

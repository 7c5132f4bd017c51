package dev.strata.capture.heartbeat;

import dev.strata.schemas.TenantId;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The tenants a heartbeat (and the table definitions) is published for: every tenant placed in
 * {@code strata.tenants} (re-read on a schedule, so a later placement is picked up) that may have rows
 * in this database, and every tenant capture has published a change for since it started. Thread-safe: the engine's thread adds changed tenants, the
 * placement reader replaces the placed ones, the engine's thread reads both.
 */
public final class KnownTenants {
    private final Set<String> changed = ConcurrentHashMap.newKeySet();
    private final Predicate<String> mayHaveRowsHere;
    private volatile Set<String> placed = Set.of();
    private volatile Runnable onNewTenant = () -> { };

    /** Every placed tenant: one database, shared by the tenants, in its own process. */
    public KnownTenants() {
        this(tenant -> true);
    }

    private KnownTenants(Predicate<String> mayHaveRowsHere) {
        this.mayHaveRowsHere = mayHaveRowsHere;
    }

    /**
     * The tenants one database of a capture process speaks for. A database that is one tenant's
     * ({@code strata.capture.tenant.fixed}) speaks for that tenant only; a shared one for every placed
     * tenant but those whose own database is another of the process. Otherwise one database's table
     * definitions reach a tenant whose tables of the same name live elsewhere (its restore then creates
     * the wrong columns), and its heartbeats move that tenant's durable point without proving anything
     * of the tenant's own database.
     */
    public static KnownTenants forDatabase(Optional<String> fixedTenant, Set<String> fixedToOtherDatabases) {
        return new KnownTenants(fixedTenant.<Predicate<String>>map(fixed -> fixed::equals)
                .orElse(tenant -> !fixedToOtherDatabases.contains(tenant)));
    }

    /** Told (on the thread that learnt of it) when a tenant joins either set: it has no table definition in its backup yet. */
    public void onNewTenant(Runnable listener) {
        onNewTenant = listener;
    }

    /** A change of {@code tenant} is being published. */
    public void changed(String tenant) {
        if (changed.add(tenant) && !placed.contains(tenant)) {
            onNewTenant.run();
        }
    }

    /** The placement directory as last read; ids that are not valid tenant ids are left out (no event can carry them). */
    void placed(Collection<String> tenants) {
        Set<String> before = placed;
        placed = Set.copyOf(tenants.stream().filter(TenantId::isValid).filter(mayHaveRowsHere).toList());
        if (placed.stream().anyMatch(t -> !before.contains(t) && !changed.contains(t))) {
            onNewTenant.run();
        }
    }

    /** Both sets, sorted: a message's heartbeats come out in the same order on every delivery. */
    public SortedSet<String> all() {
        SortedSet<String> all = new TreeSet<>(placed);
        all.addAll(changed);
        return all;
    }
}

package dev.strata.schemas.erasure;

import dev.strata.schemas.TenantId;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.InvalidObjectKeyException;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.store.ListedObject;
import dev.strata.schemas.store.ObjectStore;
import dev.strata.schemas.store.StoredObject;
import dev.strata.schemas.store.failure.StoreException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads erasure tombstones from a regime's regions. A tenant is erased when ANY region that answers
 * holds its tombstone: the tombstone goes to the primary first, and a region that does not answer
 * must not make an erased tenant restorable from the other.
 */
public final class Tombstones {
    private Tombstones() {
    }

    /**
     * The tenant's tombstone, from the first region that holds it.
     *
     * @throws StoreException when no region answered
     */
    public static Optional<TenantTombstone> find(List<ObjectStore> regions, TenantId tenant) {
        ObjectKey key = BackupLayout.tombstone(tenant);
        StoreException failure = null;
        boolean answered = false;
        for (ObjectStore region : regions) {
            Optional<StoredObject> stored;
            try {
                stored = region.get(key);
            } catch (StoreException e) {
                failure = addTo(failure, e);
                continue;
            }
            answered = true;
            if (stored.isPresent()) {
                try {
                    return Optional.of(TenantTombstone.parse(stored.get().bytes()));
                } catch (IllegalArgumentException e) {
                    // written by the key-admin user alone; unreadable still means the tenant was erased (a newer tool wrote it)
                    return Optional.of(new TenantTombstone(tenant, "?", "an unknown time", "?", "tombstone " + key + " in "
                            + region.describe() + " is unreadable by this version: " + e.getMessage()));
                }
            }
        }
        if (!answered && failure != null) {
            throw failure;
        }
        return Optional.empty();
    }

    /**
     * Whether any region lists the tenant's tombstone: one LIST per region (rights every user of the buckets holds, the writer
     * included).
     *
     * @throws StoreException when a region did not answer and none listed it: a caller creating keys must not take silence
     *         for "not erased" (the tombstone goes to the primary first); key creation needs both regions anyway
     */
    public static boolean listedIn(List<ObjectStore> regions, TenantId tenant) {
        ObjectKey key = BackupLayout.tombstone(tenant);
        StoreException failure = null;
        for (ObjectStore region : regions) {
            try {
                if (region.listAll(key, Optional.empty()).anyMatch(listed -> listed.key().equals(key))) {
                    return true;
                }
            } catch (StoreException e) {
                failure = addTo(failure, e);
            }
        }
        if (failure != null) {
            throw failure;
        }
        return false;
    }

    /** Every tenant with a tombstone in this region: one LIST. */
    public static Set<TenantId> erasedIn(ObjectStore region) {
        Set<TenantId> erased = new TreeSet<>();
        region.listAll(BackupLayout.tombstonesPrefix(), Optional.empty()).map(ListedObject::key).forEach(key -> {
            try {
                erased.add(BackupLayout.parseTombstone(key).tenant());
            } catch (InvalidObjectKeyException stray) {
                // not a tombstone's name: nothing any tool wrote, so it erases nothing
            }
        });
        return erased;
    }

    private static StoreException addTo(StoreException first, StoreException next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }
}

package dev.strata.restore.erase;

import dev.strata.schemas.Sha256;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.erasure.TenantTombstone;
import dev.strata.schemas.erasure.Tombstones;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.KeyStoreLayout;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.store.KeyShredder;
import dev.strata.schemas.store.ObjectStore;
import dev.strata.schemas.store.failure.ConflictingObjectException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Crypto-shredding of one tenant: the tombstone first, write-once in both regions (so from that moment
 * every restore refuses with who and when, and the sinks park the tenant's new changes), then every
 * data key of the tenant destroyed in both regions' key stores. Every body of the tenant was sealed
 * under one of those keys, and the key-encryption key alone opens none: the backup objects stay, locked
 * as written, and no longer mean anything.
 *
 * <p>Running it again is safe and completes an erasure that stopped part-way: an existing tombstone
 * is kept (write-once; its time is the erasure's time), and the keys still present are destroyed.
 */
public final class TenantErasure {
    private final List<ObjectStore> tombstoneRegions;
    private final List<KeyShredder> keyStores;

    /**
     * @param tombstoneRegions the regime's backup buckets, primary first, with the key-admin user's keys
     * @param keyStores the regime's key store buckets, primary first, with the same user's keys
     */
    public TenantErasure(List<ObjectStore> tombstoneRegions, List<KeyShredder> keyStores) {
        this.tombstoneRegions = List.copyOf(tombstoneRegions);
        this.keyStores = List.copyOf(keyStores);
    }

    /** What an erasure did: the tombstone in force (an earlier one if the tenant was erased before) and the keys destroyed. */
    public record Outcome(TenantTombstone tombstone, boolean tombstoneWritten, List<Destroyed> destroyed) {
        public int keysDestroyed() {
            return destroyed.stream().mapToInt(d -> d.keys().size()).sum();
        }
    }

    /** The data keys destroyed in one key store. */
    public record Destroyed(String store, List<ObjectKey> keys) {
    }

    public Outcome erase(TenantTombstone requested) {
        TenantId tenant = requested.tenant();
        Optional<TenantTombstone> earlier = Tombstones.find(tombstoneRegions, tenant);
        TenantTombstone inForce = earlier.orElse(requested);
        writeTombstone(inForce);
        List<Destroyed> destroyed = new ArrayList<>();
        for (KeyShredder keys : keyStores) {
            List<ObjectKey> found = keys.list(KeyStoreLayout.tenantPrefix(tenant));
            found.forEach(keys::shred);
            destroyed.add(new Destroyed(keys.describe(), found));
        }
        return new Outcome(inForce, earlier.isEmpty(), destroyed);
    }

    /**
     * Writes the tombstone alone (a move writes it before it copies the erasure ledger, so that an entry added meanwhile goes
     * to the regime the tenant moved to); {@link #erase} then keeps it and destroys the keys.
     *
     * @return the tombstone in force: an earlier one if there is one
     */
    public TenantTombstone recordTombstone(TenantTombstone requested) {
        TenantTombstone inForce = Tombstones.find(tombstoneRegions, requested.tenant()).orElse(requested);
        writeTombstone(inForce);
        return inForce;
    }

    /** Whatever remains of the tenant's data keys in each key store: empty after a complete erasure. */
    public List<Destroyed> remainingKeys(TenantId tenant) {
        return keyStores.stream().map(keys -> new Destroyed(keys.describe(), keys.list(KeyStoreLayout.tenantPrefix(tenant)))).toList();
    }

    // primary first: a tombstone in the primary alone already refuses restores; the next run copies it to the backup
    private void writeTombstone(TenantTombstone tombstone) {
        ObjectKey key = BackupLayout.tombstone(tombstone.tenant());
        byte[] json = tombstone.toJson();
        for (ObjectStore region : tombstoneRegions) {
            Optional<TenantTombstone> held = Tombstones.find(List.of(region), tombstone.tenant());
            if (held.isPresent()) {
                continue; // write-once: the region keeps the one it has
            }
            try {
                region.putIfAbsent(key, json, Sha256.of(json));
            } catch (ConflictingObjectException raced) {
                // another erase of the same tenant wrote it between our read and our put: theirs stands
            }
        }
    }
}

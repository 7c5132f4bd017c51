package dev.strata.restore.ledger;

import dev.strata.schemas.Sha256;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.LedgerEntryKey;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.store.failure.ConflictingObjectException;
import dev.strata.schemas.store.ObjectStore;
import dev.strata.schemas.store.ListedObject;
import dev.strata.schemas.store.StoredObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Appends entries to a tenant's erasure ledger in BOTH regions of its regime with the LEDGER
 * credential, which may put under {@code strata/v1/ledger/} only: the reader key (every restore
 * host holds it) cannot write an entry, nor can the sink's writer key, so neither can make a restore
 * leave rows out. Write-once: an entry is never replaced; a key already taken by another entry (two
 * requests in the same microsecond) moves on to the next sequence number.
 */
public final class LedgerWriter implements AutoCloseable {
    private final List<ObjectStore> regions;

    /** @param regions primary first, each opened with the ledger user's keys */
    public LedgerWriter(List<ObjectStore> regions) {
        this.regions = List.copyOf(regions);
    }

    /** @return the entry's key, the same in both regions */
    public ObjectKey append(TenantId tenant, long requestedAtMicros, ErasureEntry entry) {
        byte[] json = entry.toJson();
        Sha256 sha = Sha256.of(json);
        for (int seq = 0; seq <= LedgerEntryKey.MAX_SEQ; seq++) {
            ObjectKey key = BackupLayout.format(new LedgerEntryKey(tenant, requestedAtMicros, seq));
            try {
                regions.get(0).putIfAbsent(key, json, sha);
            } catch (ConflictingObjectException taken) {
                continue;
            }
            // ordering: the primary holds the entry before the backup does; a restore refuses a ledger that one region lacks
            for (ObjectStore other : regions.subList(1, regions.size())) {
                other.putIfAbsent(key, json, sha);
            }
            return key;
        }
        throw new IllegalStateException("every ledger key of tenant " + tenant + " at " + requestedAtMicros + " us is taken");
    }

    /**
     * Writes an entry of another regime's ledger under its own key (a tenant's move): the same key and bytes in both
     * regions, primary first, so that running it again changes nothing.
     */
    public void copy(ObjectKey key, ErasureEntry entry) {
        byte[] json = entry.toJson();
        Sha256 sha = Sha256.of(json);
        for (ObjectStore region : regions) {
            try {
                region.putIfAbsent(key, json, sha);
            } catch (ConflictingObjectException e) {
                throw new IllegalStateException("ledger entry " + key + " in " + region.describe() + " holds another erasure than the one"
                        + " copied there: the two regimes' ledgers disagree; compare them ('restore-tool erasures list --tenant "
                        + entry.tenant() + " --regime ...'), nothing was overwritten", e);
            }
        }
    }

    /**
     * Copies to the other region every entry one region holds alone: an add that stopped between its two puts. Until
     * then every restore of the tenant refuses ({@link ErasureLedger}); each copy is checked against its declared SHA-256.
     *
     * @return the entries copied
     */
    public List<ObjectKey> completeHalfWritten(TenantId tenant) {
        ObjectKey prefix = BackupLayout.ledgerPrefix(tenant);
        List<Set<ObjectKey>> listed = regions.stream()
                .map(r -> r.listAll(prefix, Optional.empty()).map(ListedObject::key).collect(Collectors.toSet())).toList();
        List<ObjectKey> copied = new ArrayList<>();
        for (int from = 0; from < regions.size(); from++) {
            for (ObjectKey key : listed.get(from)) {
                for (int to = 0; to < regions.size(); to++) {
                    if (!listed.get(to).contains(key)) {
                        StoredObject stored = regions.get(from).get(key).orElseThrow(() -> new IllegalStateException(
                                "ledger entry " + key + " was listed but cannot be read: check the region, then run this again"));
                        Sha256 sha = stored.declaredSha256().orElseThrow(() -> new IllegalStateException(
                                "ledger entry " + key + " has no declared SHA-256: it was not written by restore-tool; leave it for an audit"));
                        regions.get(to).putIfAbsent(key, stored.bytes(), sha); // refuses bytes that do not match it
                        copied.add(key);
                    }
                }
            }
        }
        return copied;
    }

    @Override
    public void close() {
        regions.forEach(ObjectStore::close);
    }
}

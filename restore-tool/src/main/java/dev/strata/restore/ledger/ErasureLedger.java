package dev.strata.restore.ledger;

import dev.strata.restore.VerificationFailedException;
import dev.strata.restore.store.RegimeStores;
import dev.strata.restore.store.RegionStore;
import dev.strata.schemas.Sha256;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.InvalidObjectKeyException;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.store.ListedObject;
import dev.strata.schemas.store.StoredObject;
import dev.strata.schemas.store.failure.StoreUnavailableException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * A tenant's erasure ledger as both regions hold it, read with the reader key. Every restore reads
 * it whole before any row reaches a target, and refuses rather than guess: an entry one region
 * lacks, bytes that differ between the regions or from their declared SHA-256, or bytes that are no
 * entry of this tenant, each stop the restore (exit 3), since restoring without that entry could
 * bring an erased person back. A region that does not answer is read around, as every restore
 * reads around it, and the restore says so; when neither answers it cannot go on (exit 4).
 */
public final class ErasureLedger {
    private final List<LedgerEntry> entries;

    /** One entry and the key it is stored under. */
    public record LedgerEntry(ObjectKey key, ErasureEntry entry) {
    }

    private ErasureLedger(List<LedgerEntry> entries) {
        this.entries = List.copyOf(entries);
    }

    public static ErasureLedger empty() {
        return new ErasureLedger(List.of());
    }

    /**
     * @param notes told when a region did not answer and the ledger was read from the other alone: a restore during a
     *     region's outage goes on (the point of two regions), saying so. {@code erasures add} returns only once both
     *     regions hold an entry, so an entry the answering region lacks is one whose add failed and was not repeated.
     */
    public static ErasureLedger read(RegimeStores stores, TenantId tenant, Consumer<String> notes) {
        ObjectKey prefix = BackupLayout.ledgerPrefix(tenant);
        Map<RegionStore, Set<ObjectKey>> listed = new LinkedHashMap<>();
        StoreUnavailableException unanswered = null;
        for (RegionStore region : stores.regions()) {
            try {
                listed.put(region, region.store().listAll(prefix, Optional.empty()).map(ListedObject::key)
                        .collect(Collectors.toCollection(TreeSet::new)));
            } catch (StoreUnavailableException e) {
                unanswered = e;
                notes.accept("the erasure ledger of tenant " + tenant + " was read from one region only: the " + region.region().label()
                        + " region did not answer (" + e.getMessage() + ")");
            }
        }
        if (listed.isEmpty()) {
            throw unanswered;
        }
        TreeSet<ObjectKey> all = new TreeSet<>();
        listed.values().forEach(all::addAll);
        List<LedgerEntry> entries = new ArrayList<>();
        for (ObjectKey key : all) {
            entries.add(new LedgerEntry(key, entry(tenant, key, listed)));
        }
        return new ErasureLedger(entries);
    }

    private static ErasureEntry entry(TenantId tenant, ObjectKey key, Map<RegionStore, Set<ObjectKey>> listed) {
        byte[] agreed = null;
        for (Map.Entry<RegionStore, Set<ObjectKey>> answered : listed.entrySet()) {
            RegionStore region = answered.getKey();
            if (!answered.getValue().contains(key)) {
                throw refused(tenant, key, "the " + region.region().label() + " region does not hold it (an 'erasures add' stopped"
                        + " between its two writes): run 'restore-tool erasures complete --tenant " + tenant + "', which copies it there");
            }
            StoredObject stored = region.store().get(key).orElseThrow(() -> refused(tenant, key, "the " + region.region().label()
                    + " region listed it but returned nothing"));
            Sha256 actual = Sha256.of(stored.bytes());
            if (stored.declaredSha256().isEmpty() || !stored.declaredSha256().get().equals(actual)) {
                throw refused(tenant, key, "its bytes in the " + region.region().label() + " region do not match their declared SHA-256 ("
                        + stored.declaredSha256().map(Sha256::hex).orElse("none") + ", read " + actual.hex() + "): tampered or damaged");
            }
            if (agreed != null && !Arrays.equals(agreed, stored.bytes())) {
                throw refused(tenant, key, "the two regions hold different bytes under it");
            }
            agreed = stored.bytes();
        }
        try {
            BackupLayout.parseLedgerEntry(key);
            ErasureEntry entry = ErasureEntry.parse(agreed);
            if (!entry.tenant().equals(tenant.value())) {
                throw refused(tenant, key, "it is an entry of tenant " + entry.tenant());
            }
            return entry;
        } catch (IOException | InvalidObjectKeyException e) {
            throw refused(tenant, key, "it is not a ledger entry this tool reads: " + e.getMessage());
        }
    }

    private static VerificationFailedException refused(TenantId tenant, ObjectKey key, String why) {
        return new VerificationFailedException("cannot read the erasure ledger of tenant " + tenant + ": entry " + key + ": " + why
                + ". A restore without every entry could bring an erased person back, so none is made");
    }

    public List<LedgerEntry> entries() {
        return entries;
    }

    public int size() {
        return entries.size();
    }

    public List<ErasureEntry> erasures() {
        return entries.stream().map(LedgerEntry::entry).toList();
    }
}

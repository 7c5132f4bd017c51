package dev.strata.restore.store;

import dev.strata.restore.VerificationFailedException;
import dev.strata.schemas.Sha256;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.UtcHour;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.InvalidObjectKeyException;
import dev.strata.schemas.layout.ManifestKey;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.manifest.ChainReport;
import dev.strata.schemas.manifest.Manifest;
import dev.strata.schemas.manifest.ManifestChain;
import dev.strata.schemas.manifest.ManifestEntry;
import dev.strata.schemas.manifest.StoredManifest;
import dev.strata.schemas.store.ListedObject;
import dev.strata.schemas.store.failure.StoreException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The manifests of a tenant's hours in a range, verified as one stretch of the hash chain, and the
 * SHA-256 they vouch for, per object. The first manifest's own link is trusted (checking it needs
 * the whole chain: that is {@code verify}'s job). Primary copies are used while they form an
 * intact chain; where they do not, the backup copy that fits the chain is taken instead and noted.
 */
public final class ManifestIndex {
    private final Map<ObjectKey, ManifestEntry> entries;
    private final Map<ObjectKey, ObjectKey> vouchedBy;
    private final int manifests;

    private ManifestIndex(Map<ObjectKey, ManifestEntry> entries, Map<ObjectKey, ObjectKey> vouchedBy, int manifests) {
        this.entries = entries;
        this.vouchedBy = vouchedBy;
        this.manifests = manifests;
    }

    public static ManifestIndex load(RegimeStores stores, TenantId tenant, UtcHour from, UtcHour to, RegionNotes notes) {
        TreeMap<ObjectKey, ManifestCopies> copies = list(stores, tenant, from, to, notes);
        readPreferred(stores, copies.values(), notes);
        List<ManifestCopies> inOrder = new ArrayList<>(copies.values());
        Map<ObjectKey, Region> chosen = new HashMap<>();
        inOrder.forEach(c -> chosen.put(c.key, c.preferred()));
        ChainReport report = verify(inOrder, chosen);
        if (!report.intact()) {
            readAll(stores, inOrder);
            choose(inOrder, chosen, notes);
            report = verify(inOrder, chosen);
            if (!report.intact()) {
                throw new VerificationFailedException("the manifest chain of tenant " + tenant + " is broken in both regions: "
                        + report.breaks() + "; run restore-tool verify --tenant " + tenant);
            }
        }
        Map<ObjectKey, ManifestEntry> entries = new HashMap<>();
        Map<ObjectKey, ObjectKey> vouchedBy = new HashMap<>();
        for (ManifestCopies c : inOrder) {
            Manifest m = c.decoded(chosen.get(c.key)).orElseThrow();
            for (ManifestEntry e : m.entries()) {
                ManifestEntry earlier = entries.putIfAbsent(e.key(), e);
                if (earlier != null && !earlier.equals(e)) {
                    throw new VerificationFailedException("manifests " + vouchedBy.get(e.key()) + " and " + c.key + " give object "
                            + e.key() + " different checksums (" + earlier.sha256() + ", " + e.sha256() + "): run restore-tool verify");
                }
                vouchedBy.putIfAbsent(e.key(), c.key);
            }
        }
        return new ManifestIndex(entries, vouchedBy, inOrder.size());
    }

    public Optional<ManifestEntry> entry(ObjectKey key) {
        return Optional.ofNullable(entries.get(key));
    }

    public Map<ObjectKey, ManifestEntry> entries() {
        return Map.copyOf(entries);
    }

    public Optional<ObjectKey> manifestOf(ObjectKey object) {
        return Optional.ofNullable(vouchedBy.get(object));
    }

    public int manifests() {
        return manifests;
    }

    private static TreeMap<ObjectKey, ManifestCopies> list(RegimeStores stores, TenantId tenant, UtcHour from, UtcHour to,
                                                          RegionNotes notes) {
        TreeMap<ObjectKey, ManifestCopies> copies = new TreeMap<>();
        StoreFailures failures = new StoreFailures();
        for (EachRegion.Outcome<List<ObjectKey>> listed : EachRegion.call(stores, region -> manifestKeys(region, tenant, from, to, notes))) {
            if (listed.failed()) {
                failures.add(listed.region(), listed.failure());
            } else {
                listed.value().forEach(key -> copies.computeIfAbsent(key, ManifestCopies::new));
            }
        }
        if (failures.reasons().size() == stores.regions().size()) {
            throw failures.noRegionAnswered("list the manifests of tenant " + tenant);
        }
        return copies;
    }

    private static List<ObjectKey> manifestKeys(RegionStore region, TenantId tenant, UtcHour from, UtcHour to, RegionNotes notes) {
        List<ObjectKey> keys = new ArrayList<>();
        try (Stream<ListedObject> listed = region.store().listAll(BackupLayout.manifestsPrefix(tenant),
                Optional.of(BackupLayout.manifestsStartAfter(tenant, from)))) {
            for (Iterator<ListedObject> it = listed.iterator(); it.hasNext(); ) {
                ObjectKey key = it.next().key();
                ManifestKey parsed;
                try {
                    parsed = BackupLayout.parseManifest(key);
                } catch (InvalidObjectKeyException e) {
                    notes.note("ignored a stray object in " + region.describe() + ": " + e.getMessage());
                    continue;
                }
                if (parsed.hour().compareTo(to) > 0) {
                    break;
                }
                keys.add(key);
            }
        }
        return keys;
    }

    private static void readPreferred(RegimeStores stores, Iterable<ManifestCopies> copies, RegionNotes notes) {
        for (ManifestCopies c : copies) {
            for (RegionStore region : stores.regions()) {
                if (read(region, c)) {
                    if (region.region() != Region.PRIMARY) {
                        notes.note("read manifest " + c.key + " from " + region.describe() + ": the primary could not give it");
                    }
                    break;
                }
            }
            if (c.bytes.isEmpty()) {
                throw new VerificationFailedException("manifest " + c.key + " is listed but no region gives its bytes: run restore-tool verify");
            }
        }
    }

    private static void readAll(RegimeStores stores, List<ManifestCopies> copies) {
        for (ManifestCopies c : copies) {
            for (RegionStore region : stores.regions()) {
                if (!c.bytes.containsKey(region.region())) {
                    read(region, c);
                }
            }
        }
    }

    private static boolean read(RegionStore region, ManifestCopies c) {
        try {
            return region.store().get(c.key).map(o -> c.bytes.put(region.region(), o.bytes())).isPresent();
        } catch (StoreException e) {
            return false;
        }
    }

    /** Where the two regions' copies differ, takes the one whose hash links into its neighbours. */
    private static void choose(List<ManifestCopies> inOrder, Map<ObjectKey, Region> chosen, RegionNotes notes) {
        for (int i = 0; i < inOrder.size(); i++) {
            ManifestCopies c = inOrder.get(i);
            Optional<Sha256> before = i == 0 ? Optional.empty() : prevSha(inOrder, i, chosen);
            boolean first = i == 0;
            if (c.differ()) {
                Optional<Sha256> next = i + 1 < inOrder.size() ? linkOf(inOrder.get(i + 1)) : Optional.empty();
                for (Region region : Region.values()) {
                    boolean fitsBefore = first || c.decoded(region).map(m -> m.previous().equals(before)).orElse(false);
                    boolean fitsAfter = next.isEmpty() || next.equals(c.sha(region));
                    if (fitsBefore && fitsAfter && c.decoded(region).isPresent()) {
                        if (region != chosen.get(c.key)) {
                            notes.note("manifest " + c.key + ": the " + chosen.get(c.key).label() + " copy does not fit the hash chain;"
                                    + " used the " + region.label() + " copy");
                        }
                        chosen.put(c.key, region);
                        break;
                    }
                }
            }
        }
    }

    private static Optional<Sha256> prevSha(List<ManifestCopies> inOrder, int i, Map<ObjectKey, Region> chosen) {
        ManifestCopies before = inOrder.get(i - 1);
        return before.sha(chosen.get(before.key));
    }

    /** What the manifest after a differing one says it follows, if its copies agree on that. */
    private static Optional<Sha256> linkOf(ManifestCopies next) {
        Optional<Sha256> link = Optional.empty();
        for (Region region : next.bytes.keySet()) {
            Optional<Sha256> p = next.decoded(region).flatMap(Manifest::previous);
            if (link.isPresent() && !link.equals(p)) {
                return Optional.empty();
            }
            link = p;
        }
        return link;
    }

    private static ChainReport verify(List<ManifestCopies> inOrder, Map<ObjectKey, Region> chosen) {
        if (inOrder.isEmpty()) {
            return ManifestChain.verify(List.of());
        }
        List<StoredManifest> stored = new ArrayList<>();
        inOrder.forEach(c -> stored.add(c.stored(chosen.get(c.key))));
        ManifestCopies first = inOrder.get(0);
        Optional<Sha256> anchor = first.decoded(chosen.get(first.key)).flatMap(Manifest::previous);
        return ManifestChain.verify(anchor, stored);
    }
}

package dev.strata.schemas.manifest;

import dev.strata.schemas.Sha256;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.UtcHour;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.ManifestKey;
import dev.strata.schemas.layout.ObjectKey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A sealed hour of a tenant: the objects already durable in both regions, with their SHA-256, and
 * the SHA-256 of the tenant's previous manifest. The links make a hash chain, so editing any
 * manifest or dropping one breaks the link of the next.
 *
 * <p>Entries are kept in key order whatever order they are given in: one set of objects has one
 * serialization.
 */
public record Manifest(TenantId tenant, UtcHour hour, int seq, Optional<Sha256> previous, List<ManifestEntry> entries) {

    public Manifest {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(hour, "hour");
        Objects.requireNonNull(previous, "previous (use Optional.empty() for the tenant's first manifest)");
        Objects.requireNonNull(entries, "entries");
        ManifestKey.requireValidSeq(tenant, seq);
        List<ManifestEntry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparing(ManifestEntry::key));
        ObjectKey tenantPrefix = BackupLayout.tenantPrefix(tenant);
        for (int i = 0; i < sorted.size(); i++) {
            ObjectKey key = sorted.get(i).key();
            if (!key.startsWith(tenantPrefix)) {
                throw new IllegalArgumentException("manifest of tenant " + tenant + " for " + hour + " lists " + key
                        + ", which is not under " + tenantPrefix + ": a manifest vouches only for its own tenant's objects");
            }
            if (i > 0 && key.equals(sorted.get(i - 1).key())) {
                throw new IllegalArgumentException("manifest of tenant " + tenant + " for " + hour + " lists " + key + " twice");
            }
        }
        entries = List.copyOf(sorted);
    }

    public ManifestKey key() {
        return new ManifestKey(tenant, hour, seq);
    }

    public Optional<ManifestEntry> entry(ObjectKey key) {
        return entries.stream().filter(e -> e.key().equals(key)).findFirst();
    }
}

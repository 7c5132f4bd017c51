package dev.strata.restore.store;

import dev.strata.schemas.TenantId;
import dev.strata.schemas.UtcHour;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.InvalidObjectKeyException;
import dev.strata.schemas.layout.ManifestKey;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.store.ListPage;
import dev.strata.schemas.store.ObjectStore;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The tenants with objects in a bucket, found with one small LIST per tenant (a skip scan), not
 * by listing every object: after a tenant's first key the scan jumps past the greatest key the
 * layout can give that tenant (its manifest of the last hour and seq: "manifests" sorts after
 * "bases" and "log").
 */
public final class TenantDirectory {
    private static final UtcHour LAST_HOUR = UtcHour.containing(253_402_300_799_999_999L);

    private TenantDirectory() {
    }

    public static SortedSet<TenantId> tenants(ObjectStore store) {
        SortedSet<TenantId> tenants = new TreeSet<>();
        Optional<ObjectKey> after = Optional.empty();
        while (true) {
            ListPage page = store.list(BackupLayout.allTenantsPrefix(), after, 1);
            if (page.objects().isEmpty()) {
                return tenants;
            }
            ObjectKey key = page.objects().get(0).key();
            Optional<TenantId> tenant = tenantOf(key);
            if (tenant.isEmpty() || tenants.contains(tenant.get())) {
                after = Optional.of(key); // a stray key: step over it alone
                continue;
            }
            tenants.add(tenant.get());
            after = Optional.of(BackupLayout.manifest(new ManifestKey(tenant.get(), LAST_HOUR, ManifestKey.MAX_SEQ)));
        }
    }

    private static Optional<TenantId> tenantOf(ObjectKey key) {
        try {
            return Optional.of(BackupLayout.parse(key).tenant());
        } catch (InvalidObjectKeyException e) {
            return Optional.empty();
        }
    }
}

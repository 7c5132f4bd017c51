package dev.strata.restore.cli;

import dev.strata.restore.BadInputException;
import dev.strata.restore.ToolConfig;
import dev.strata.restore.erase.TenantErasure;
import dev.strata.schemas.regime.RegionSettings;
import dev.strata.schemas.store.KeyShredder;
import dev.strata.schemas.store.ObjectStore;
import dev.strata.schemas.store.StoreCredentials;
import dev.strata.schemas.store.VersionPolicy;
import dev.strata.schemas.store.s3.S3KeyShredder;
import dev.strata.schemas.store.s3.S3ObjectStore;
import java.util.ArrayList;
import java.util.List;

/** A regime's erasure with the key-admin user's keys: the backup buckets for the tombstone, the key stores for the keys. */
final class KeyAdminAccess implements AutoCloseable {
    private final List<ObjectStore> tombstoneRegions = new ArrayList<>();
    private final List<KeyShredder> keyStores = new ArrayList<>();

    KeyAdminAccess(ToolConfig config, String regime) {
        try {
            for (String role : List.of(ToolConfig.PRIMARY, ToolConfig.BACKUP)) {
                StoreCredentials keyAdmin = credentials(config, regime, role);
                tombstoneRegions.add(S3ObjectStore.open(config.store(regime, role).location(), keyAdmin, VersionPolicy.FIRST_VERSION));
                keyStores.add(S3KeyShredder.open(config.keyStore(regime, role), keyAdmin));
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    TenantErasure erasure() {
        return new TenantErasure(tombstoneRegions, keyStores);
    }

    @Override
    public void close() {
        tombstoneRegions.forEach(ObjectStore::close);
        keyStores.forEach(KeyShredder::close);
    }

    private static StoreCredentials credentials(ToolConfig config, String regime, String role) {
        RegionSettings region = config.store(regime, role);
        try {
            return StoreCredentials.fromFile(config.keyAdminCredentials(regime, role));
        } catch (IllegalArgumentException e) {
            throw new BadInputException("config " + region.settingPrefix() + ToolConfig.KEY_ADMIN_CREDENTIALS_FILE + ": " + e.getMessage());
        }
    }
}

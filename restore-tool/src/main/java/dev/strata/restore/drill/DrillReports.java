package dev.strata.restore.drill;

import dev.strata.schemas.regime.RegionSettings;
import dev.strata.schemas.Sha256;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.DrillKey;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.store.ObjectStore;
import dev.strata.schemas.store.s3.S3ObjectStore;
import dev.strata.schemas.store.StoreCredentials;
import dev.strata.schemas.store.VersionPolicy;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes a drill's report to BOTH regions of the tenant's regime with the drill credentials, which
 * may put under {@code strata/v1/drills/} only (reader keys cannot write, writer keys are the
 * sink's). Write-once keys: the report of a drill is never replaced.
 */
public final class DrillReports implements AutoCloseable {
    private final List<ObjectStore> regions;

    private DrillReports(List<ObjectStore> regions) {
        this.regions = regions;
    }

    /** @param drillCredentials per region, the file with the drill user's keys */
    public static DrillReports open(RegionSettings primary, Path primaryDrillCredentials, RegionSettings backup,
            Path backupDrillCredentials) {
        ObjectStore p = open(primary, primaryDrillCredentials);
        try {
            return new DrillReports(List.of(p, open(backup, backupDrillCredentials)));
        } catch (RuntimeException e) {
            p.close();
            throw e;
        }
    }

    private static ObjectStore open(RegionSettings region, Path credentials) {
        return S3ObjectStore.open(region.location(),
                StoreCredentials.fromFile(credentials), VersionPolicy.FIRST_VERSION);
    }

    /** @return the report's key (the same in both regions) */
    public ObjectKey write(TenantId tenant, long startedAtMicros, DrillReport report) {
        ObjectKey key = BackupLayout.drill(new DrillKey(tenant, startedAtMicros));
        byte[] json = report.toJson();
        Sha256 sha = Sha256.of(json);
        for (ObjectStore region : regions) {
            region.putIfAbsent(key, json, sha);
        }
        return key;
    }

    @Override
    public void close() {
        regions.forEach(ObjectStore::close);
    }
}

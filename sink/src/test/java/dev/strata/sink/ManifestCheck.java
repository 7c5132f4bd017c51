package dev.strata.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.schemas.TenantId;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.manifest.ChainReport;
import dev.strata.schemas.manifest.ManifestChain;
import dev.strata.schemas.manifest.ManifestCodec;
import dev.strata.schemas.manifest.ManifestEntry;
import dev.strata.schemas.manifest.StoredManifest;
import dev.strata.schemas.store.ListedObject;
import dev.strata.schemas.store.ObjectStore;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** Checks a tenant's manifests as restore-tool verify would: with first versions, in both regions. */
final class ManifestCheck {
    private ManifestCheck() {
    }

    static void assertChainCovers(ObjectStore primary, ObjectStore backup, TenantId tenant) {
        for (ObjectStore store : List.of(primary, backup)) {
            List<StoredManifest> chain = store.listAll(BackupLayout.manifestsPrefix(tenant), Optional.empty())
                    .map(ListedObject::key).map(k -> new StoredManifest(k, store.get(k).orElseThrow().bytes())).toList();
            ChainReport report = ManifestChain.verify(chain);
            assertThat(report.breaks()).as("manifest chain in %s", store.describe()).isEmpty();
            assertThat(report.manifestsVerified()).isPositive();
            Map<ObjectKey, ManifestEntry> named = chain.stream().flatMap(m -> ManifestCodec.decode(m.bytes()).entries().stream())
                    .collect(Collectors.toMap(ManifestEntry::key, e -> e, (a, b) -> a));
            Set<ObjectKey> segments = store.listAll(BackupLayout.logPrefix(tenant), Optional.empty()).map(ListedObject::key)
                    .collect(Collectors.toSet());
            assertThat(named.keySet()).as("manifests name every segment of the sealed hours").isEqualTo(segments);
            named.values().forEach(e -> assertThat(e.matches(store.get(e.key()).orElseThrow().bytes())).as("%s", e.key()).isTrue());
        }
    }
}

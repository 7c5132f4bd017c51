package dev.strata.sink.manifest;

import dev.strata.schemas.watermark.Watermark;
import dev.strata.sink.store.DualRegionUploader;
import dev.strata.sink.store.RegionReader;
import dev.strata.schemas.Sha256;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.ManifestKey;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.manifest.SealedManifest;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds where a tenant's manifest chain ends, with the writer credential, which may not list
 * versions: starting from the head the last watermark recorded (or from the first manifest if
 * there is none), it lists the manifests after it in both regions. A manifest an earlier run
 * left in one region only (it died between the two writes) is completed by copying it, byte for
 * byte, to the other region: its content was decided and may be linked to already, so it is never
 * re-made. The newest manifest, read back and hashed, is the head the next manifest links to.
 *
 * <p>Trust: the head's SHA-256 is that of the latest version. A stolen writer key could overwrite
 * it; the next link then vouches for the overwrite, but {@code restore-tool verify} reads first
 * versions, where that link breaks, and the watermark's recorded head disagrees too.
 */
final class ChainHeads {
    private static final Logger LOG = LoggerFactory.getLogger(ChainHeads.class);

    /** A tenant's newest manifest: its key and the SHA-256 of its stored bytes (not the bytes: thousands of tenants are kept). */
    record Head(ManifestKey key, Sha256 sha256) {
        Watermark.ManifestHead asWatermarkHead() {
            return new Watermark.ManifestHead(BackupLayout.manifest(key), sha256);
        }
    }

    private final RegionReader reader;
    private final DualRegionUploader uploader;

    ChainHeads(RegionReader reader, DualRegionUploader uploader) {
        this.reader = reader;
        this.uploader = uploader;
    }

    Optional<Head> discover(TenantId tenant, Optional<Watermark.ManifestHead> recorded) {
        Optional<ObjectKey> startAfter = recorded.map(Watermark.ManifestHead::key)
                .filter(key -> key.startsWith(BackupLayout.manifestsPrefix(tenant)));
        NavigableMap<ObjectKey, RegionReader.Presence> after = reader.manifestKeys(tenant, startAfter);
        for (Map.Entry<ObjectKey, RegionReader.Presence> e : after.entrySet()) {
            if (e.getValue() != RegionReader.Presence.BOTH) {
                complete(e.getKey(), e.getValue());
            }
        }
        if (!after.isEmpty()) {
            ObjectKey newest = after.lastKey();
            return Optional.of(head(newest));
        }
        if (startAfter.isEmpty()) {
            return Optional.empty(); // the tenant's first manifest is yet to come
        }
        Head head = head(startAfter.get());
        if (!head.sha256().equals(recorded.get().sha256())) {
            LOG.error("ALARM: manifest {} hashes to {} but the watermark recorded {} when it was sealed: it was overwritten;"
                    + " run restore-tool verify (first versions are intact); the chain continues from the stored bytes",
                    startAfter.get(), head.sha256(), recorded.get().sha256());
        }
        return Optional.of(head);
    }

    private Head head(ObjectKey key) {
        SealedManifest manifest = reader.read(key);
        ManifestKey parsed = BackupLayout.parseManifest(key);
        if (!manifest.manifest().key().equals(parsed)) {
            throw new IllegalStateException("manifest " + key + " holds the manifest of " + manifest.manifest().key()
                    + ": the chain is damaged; run restore-tool verify before sealing more");
        }
        return new Head(parsed, manifest.sha256());
    }

    private void complete(ObjectKey key, RegionReader.Presence presence) {
        SealedManifest manifest = reader.read(key);
        LOG.info("manifest {} is in the {} region only (a run stopped between the two writes); copying it to the other", key, presence);
        uploader.upload(key, manifest.bytes(), manifest.sha256(), 0).join();
    }
}

package dev.strata.restore.store;

import dev.strata.schemas.Sha256;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.manifest.Manifest;
import dev.strata.schemas.manifest.ManifestCodec;
import dev.strata.schemas.manifest.ManifestFormatException;
import dev.strata.schemas.manifest.StoredManifest;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/** The copies of one manifest key, one per region that holds it, decoded where they decode. */
final class ManifestCopies {
    final ObjectKey key;
    final Map<Region, byte[]> bytes = new EnumMap<>(Region.class);

    ManifestCopies(ObjectKey key) {
        this.key = key;
    }

    Optional<Manifest> decoded(Region region) {
        byte[] b = bytes.get(region);
        if (b == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(ManifestCodec.decode(b));
        } catch (ManifestFormatException e) {
            return Optional.empty();
        }
    }

    Optional<Sha256> sha(Region region) {
        return Optional.ofNullable(bytes.get(region)).map(Sha256::of);
    }

    StoredManifest stored(Region region) {
        return new StoredManifest(key, bytes.get(region));
    }

    /** The region whose copy the chain uses: primary if it has one. */
    Region preferred() {
        return bytes.containsKey(Region.PRIMARY) ? Region.PRIMARY : Region.BACKUP;
    }

    boolean differ() {
        return bytes.size() == 2 && !sha(Region.PRIMARY).equals(sha(Region.BACKUP));
    }
}

package dev.strata.restore.store;

import dev.strata.schemas.store.ObjectStore;
import java.util.Objects;
import java.util.Optional;

/**
 * One region's bucket as the restore tool reads it, with the reader key: {@code store} reads each
 * key's FIRST version. {@code latest}, when present, reads plain latest versions of the same bucket:
 * one request instead of a version listing and a GET, which is safe only for objects a manifest
 * vouches for, since their bytes are checked against the manifest's SHA-256 whatever version they
 * come from (the sink's rule: "the first version of a key, or the one whose checksum the manifest
 * names").
 *
 * @param settingPrefix the config keys that define it, named in errors (e.g. {@code strata.regime.eu.primary.})
 */
public record RegionStore(Region region, ObjectStore store, Optional<ObjectStore> latest, String settingPrefix) {

    public RegionStore {
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(latest, "latest");
        Objects.requireNonNull(settingPrefix, "settingPrefix");
    }

    /** First-version reads only. */
    public RegionStore(Region region, ObjectStore store, String settingPrefix) {
        this(region, store, Optional.empty(), settingPrefix);
    }

    /** For messages: "primary (bucket 'b' at http://...)". */
    public String describe() {
        return region.label() + " (" + store.describe() + ")";
    }

    void close() {
        try {
            store.close();
        } finally {
            latest.ifPresent(ObjectStore::close);
        }
    }
}

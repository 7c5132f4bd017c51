package dev.strata.schemas.store;

import dev.strata.schemas.layout.ObjectKey;
import java.time.Instant;
import java.util.Objects;

/** One stored version of a key. Strata writes each key once, so more than one version is worth an alert. */
public record ObjectVersionInfo(ObjectKey key, String versionId, long size, Instant lastModified) {

    public ObjectVersionInfo {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(versionId, "versionId");
        Objects.requireNonNull(lastModified, "lastModified");
    }
}

package dev.strata.restore.store;

import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where one region of a regime keeps its bucket, and the file holding the READER key for it
 * ({@code strata.regime.<r>.<primary|backup>.endpoint}, {@code .bucket}, {@code .region},
 * {@code .credentials.file}). The restore tool is given reader keys only: it cannot write.
 *
 * @param settingPrefix e.g. {@code strata.regime.eu.primary.}: error messages name the keys to fix
 */
public record RegionSettings(String regime, String region, URI endpoint, String bucket, String signingRegion,
                             Path credentialsFile, String settingPrefix) {

    public RegionSettings {
        Objects.requireNonNull(regime, "regime");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(signingRegion, "signingRegion");
        Objects.requireNonNull(credentialsFile, "credentialsFile");
        Objects.requireNonNull(settingPrefix, "settingPrefix");
    }
}

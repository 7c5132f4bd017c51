package dev.strata.schemas.regime;

import dev.strata.schemas.store.StoreLocation;
import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One region of a regime as configured: {@code strata.regime.<r>.<role>.endpoint}, {@code .bucket},
 * {@code .region} and {@code .credentials.file}. Holds a file path, never a secret.
 *
 * @param role {@code primary} or {@code backup}
 * @param credentialsFile empty for another regime's region, which a sink may name (for the
 *     shared-bucket check) but must never hold keys for
 */
public record RegionSettings(String regime, String role, StoreLocation location, Optional<Path> credentialsFile) {

    public static final String PRIMARY = "primary";
    public static final String BACKUP = "backup";

    public RegionSettings {
        Objects.requireNonNull(regime, "regime");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(credentialsFile, "credentialsFile");
    }

    /** {@code strata.regime.<r>.<role>.}: the keys that define it, for messages. */
    public String settingPrefix() {
        return RegimeSettings.key(regime, role, "");
    }

    /** "regime eu, backup region (bucket 'b' at http://...)": for messages. */
    public String describe() {
        return "regime " + regime + ", " + role + " region (" + location.describe() + ")";
    }

    /**
     * Whether two settings name the same physical place: the same endpoint with the same bucket or
     * the same signing region. A backup there is no separate location (rule 2 of DESIGN.md).
     */
    public boolean samePlaceAs(RegionSettings other) {
        URI a = normalized(location.endpoint());
        URI b = normalized(other.location.endpoint());
        return a.equals(b) && (location.bucket().equals(other.location.bucket())
                || location.signingRegion().equals(other.location.signingRegion()));
    }

    private static URI normalized(URI endpoint) {
        String path = endpoint.getPath() == null || endpoint.getPath().equals("/") ? "" : endpoint.getPath();
        int port = endpoint.getPort() >= 0 ? endpoint.getPort() : ("https".equals(endpoint.getScheme()) ? 443 : 80);
        return URI.create(endpoint.getScheme().toLowerCase(Locale.ROOT) + "://" + endpoint.getHost().toLowerCase(Locale.ROOT)
                + ":" + port + path);
    }
}
